"""The NotebookNN kernel under the real jupyter_client: authentication, garbage, interrupt, large output,
stop_on_error, stdin, display updates, live Fit progress, silent cells, comms, restart, shutdown and clean exit.

Run: /usr/bin/python3 -m unittest tests/jupyter/test_kernel_robustness.py  (from the repository root; see nnb_kernelspec.py)
"""
import datetime
import os
import queue
import signal
import sys
import time
import unittest

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nnb_kernelspec  # noqa: E402

nnb_kernelspec.install_private_kernelspec()

TIMEOUT = 60
# The kernel's promises (issue 3): an endless loop stops within 2 s of interrupt_request, and the process exits
# within 2 s of shutdown_request.
INTERRUPT_LIMIT = 2.0
SHUTDOWN_LIMIT = 2.0


def drain(get_msg):
    """Discards what a channel holds (get_msg: the client's blocking getter, e.g. kc.get_iopub_msg)."""
    while True:
        try:
            get_msg(timeout=0.2)
        except queue.Empty:
            return


class KernelSession:
    """A started kernel with a client; the tests share one per class to keep the run short."""

    def __init__(self):
        self.km, self.kc = start_new_kernel(kernel_name=nnb_kernelspec.KERNEL_NAME, startup_timeout=TIMEOUT)

    def run(self, code, **options):
        """Executes code, returns (reply, iopub messages of that request up to idle)."""
        msg_id = self.kc.execute(code, **options)
        reply = self.reply_to(msg_id)
        return reply, self.iopub_until_idle(msg_id)

    def reply_to(self, msg_id, timeout=TIMEOUT):
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def iopub_until_idle(self, msg_id, timeout=TIMEOUT):
        messages = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            messages.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return messages

    def value_of(self, expression):
        """The text/plain result of an expression, or the error name when it fails."""
        reply, messages = self.run(expression)
        if reply["content"]["status"] != "ok":
            return ("error", reply["content"]["ename"], reply["content"]["evalue"])
        results = [m for m in messages if m["msg_type"] == "execute_result"]
        return results[-1]["content"]["data"]["text/plain"] if results else None

    def raw_socket(self, channel):
        """A DEALER socket of our own connected to one of the kernel's router channels."""
        info = self.km.get_connection_info()
        socket = zmq.Context.instance().socket(zmq.DEALER)
        socket.linger = 0
        socket.connect(f"tcp://{info['ip']}:{info[channel + '_port']}")
        return socket

    def close(self):
        self.kc.stop_channels()
        if self.km.is_alive():
            self.km.shutdown_kernel(now=True)


class ProtocolTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.k = KernelSession()

    @classmethod
    def tearDownClass(cls):
        cls.k.close()

    def setUp(self):
        drain(self.k.kc.get_iopub_msg)
        drain(self.k.kc.get_shell_msg)

    def test_forged_signature_is_ignored(self):
        forger = Session(key=b"not-the-session-key", session=self.k.kc.session.session)
        socket = self.k.raw_socket("shell")
        try:
            forger.send(socket, "execute_request", {"code": "var forged = 42;", "silent": False, "store_history": True,
                                                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
            self.assertEqual(0, socket.poll(1500), "the kernel answered a message with a forged signature")
        finally:
            socket.close()
        self.assertEqual("error", self.k.value_of("forged")[0], "code from a forged message ran")

    def test_replayed_message_is_executed_once(self):
        self.k.run("var replayCount = 0;")
        socket = self.k.raw_socket("shell")
        try:
            msg = self.k.kc.session.msg("execute_request", {"code": "replayCount++;", "silent": False, "store_history": True,
                                                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
            frames = self.k.kc.session.serialize(msg)
            socket.send_multipart(frames)
            self.assertNotEqual(0, socket.poll(TIMEOUT * 1000), "the genuine message got no reply")
            socket.recv_multipart()
            socket.send_multipart(frames)
            self.assertEqual(0, socket.poll(1500), "the kernel answered a replayed message")
        finally:
            socket.close()
        self.assertEqual("1", self.k.value_of("replayCount"))

    def test_garbage_frames_do_not_stop_the_kernel(self):
        garbage = [
            [b"\x00\xff\xfe"],
            [b"<IDS|MSG>"],
            [b"<IDS|MSG>", b"sig", b"not json", b"{}", b"{}", b"{}"],
            [b"<IDS|MSG>", b"", b"[]", b"{}", b"{}", b"{}"],
            [os.urandom(64) for _ in range(9)],
        ]
        for channel in ("shell", "control", "stdin"):
            socket = self.k.raw_socket(channel)
            try:
                for frames in garbage:
                    socket.send_multipart(frames)
                self.assertEqual(0, socket.poll(500), f"the kernel answered garbage on {channel}")
            finally:
                socket.close()
        self.assertEqual("3", self.k.value_of("1 + 2"))
        self.assertTrue(self.k.kc.hb_channel.is_beating())

    def test_unknown_message_type_is_ignored_and_the_kernel_keeps_serving(self):
        self.k.kc.shell_channel.send(self.k.kc.session.msg("frobnicate_request", {}))
        self.assertEqual("5", self.k.value_of("2 + 3"))

    def test_endless_loop_is_interrupted_and_earlier_state_is_kept(self):
        self.k.run("var keptBeforeLoop = 41;")
        msg_id = self.k.kc.execute("while (true) { }")
        # Wait until the loop is really running (busy, and no reply yet).
        self.assertRaises(queue.Empty, self.k.kc.get_shell_msg, timeout=1.0)
        started = time.monotonic()
        self.k.km.interrupt_kernel()
        reply = self.k.reply_to(msg_id, timeout=INTERRUPT_LIMIT)
        elapsed = time.monotonic() - started
        print(f"\n[measure] interrupt of while(true) answered in {elapsed:.3f} s")
        self.assertEqual("error", reply["content"]["status"])
        self.assertIn("nterrupt", reply["content"]["ename"] + reply["content"]["evalue"])
        errors = [m for m in self.k.iopub_until_idle(msg_id) if m["msg_type"] == "error"]
        self.assertEqual(1, len(errors))
        self.assertEqual("42", self.k.value_of("keptBeforeLoop + 1"))

    def test_five_megabyte_output_arrives_whole(self):
        size = 5 * 1024 * 1024
        reply, messages = self.k.run(f"Console.Write(new string('x', {size}) + \"END\");")
        self.assertEqual("ok", reply["content"]["status"])
        text = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")
        self.assertEqual(size + 3, len(text))
        self.assertEqual("x" * size + "END", text)

    def test_stop_on_error_aborts_the_queued_cells(self):
        self.k.run("var abortedRan = 0;")
        failing = self.k.kc.execute('throw new InvalidOperationException("stop here");')
        queued = self.k.kc.execute("abortedRan = 1;")
        self.assertEqual("error", self.k.reply_to(failing)["content"]["status"])
        aborted = self.k.reply_to(queued)["content"]
        self.assertEqual("aborted", aborted["status"])
        # As ipykernel: no execution_count, so the skipped cell's prompt stays empty ("In [ ]:").
        self.assertNotIn("execution_count", aborted)
        self.assertEqual("0", self.k.value_of("abortedRan"))

    def test_without_stop_on_error_queued_cells_run(self):
        self.k.run("var continuedRan = 0;")
        failing = self.k.kc.execute('throw new InvalidOperationException("keep going");', stop_on_error=False)
        queued = self.k.kc.execute("continuedRan = 1;")
        self.assertEqual("error", self.k.reply_to(failing)["content"]["status"])
        self.assertEqual("ok", self.k.reply_to(queued)["content"]["status"])
        self.assertEqual("1", self.k.value_of("continuedRan"))

    def test_error_output_has_a_traceback(self):
        reply, messages = self.k.run('throw new ArgumentException("bad argument");')
        self.assertEqual("error", reply["content"]["status"])
        error = [m for m in messages if m["msg_type"] == "error"][0]["content"]
        self.assertIn("ArgumentException", error["ename"])
        self.assertIn("bad argument", error["evalue"])
        self.assertGreaterEqual(len(error["traceback"]), 1)

    def test_silent_cell_publishes_only_status_and_does_not_count(self):
        before = self.k.run("1")[0]["content"]["execution_count"]
        reply, messages = self.k.run('Console.WriteLine("quiet"); 5', silent=True)
        self.assertEqual("ok", reply["content"]["status"])
        self.assertEqual({"status"}, {m["msg_type"] for m in messages})
        after = self.k.run("1")[0]["content"]["execution_count"]
        self.assertEqual(before + 1, after)

    def test_store_history_false_does_not_count(self):
        before = self.k.run("1")[0]["content"]["execution_count"]
        self.k.run("2", store_history=False)
        self.assertEqual(before + 1, self.k.run("3")[0]["content"]["execution_count"])

    def test_execute_input_and_result_carry_the_execution_count(self):
        reply, messages = self.k.run("10 + 1")
        count = reply["content"]["execution_count"]
        inputs = [m for m in messages if m["msg_type"] == "execute_input"]
        results = [m for m in messages if m["msg_type"] == "execute_result"]
        self.assertEqual(count, inputs[0]["content"]["execution_count"])
        self.assertEqual(count, results[0]["content"]["execution_count"])
        self.assertEqual("11", results[0]["content"]["data"]["text/plain"])
        self.assertEqual(["status", "execute_input"], [m["msg_type"] for m in messages[:2]])
        self.assertEqual("busy", messages[0]["content"]["execution_state"])

    def test_console_readline_asks_the_front_end_when_stdin_is_allowed(self):
        msg_id = self.k.kc.execute('var typed = Console.ReadLine(); "got " + typed', allow_stdin=True)
        request = self.k.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual("input_request", request["msg_type"])
        self.assertEqual(msg_id, request["parent_header"]["msg_id"])
        self.k.kc.input("forty-two")
        self.assertEqual("ok", self.k.reply_to(msg_id)["content"]["status"])
        results = [m for m in self.k.iopub_until_idle(msg_id) if m["msg_type"] == "execute_result"]
        self.assertEqual("got forty-two", results[0]["content"]["data"]["text/plain"])

    def test_get_input_async_asks_the_front_end_with_its_prompt(self):
        msg_id = self.k.kc.execute('var name = await GetInputAsync("Your name?"); "hello " + name', allow_stdin=True)
        request = self.k.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual("input_request", request["msg_type"])
        self.assertEqual("Your name?", request["content"]["prompt"])
        self.assertFalse(request["content"]["password"])
        self.k.kc.input("Ada")
        self.assertEqual("ok", self.k.reply_to(msg_id)["content"]["status"])
        results = [m for m in self.k.iopub_until_idle(msg_id) if m["msg_type"] == "execute_result"]
        self.assertEqual("hello Ada", results[0]["content"]["data"]["text/plain"])

    def test_get_password_async_asks_for_a_password_and_keeps_it_out_of_the_output(self):
        msg_id = self.k.kc.execute('var secret = await GetPasswordAsync("Token?"); secret.GetClearTextPassword().Length', allow_stdin=True)
        request = self.k.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual("Token?", request["content"]["prompt"])
        self.assertTrue(request["content"]["password"])
        self.k.kc.input("s3cr3t")
        self.assertEqual("ok", self.k.reply_to(msg_id)["content"]["status"])
        results = [m for m in self.k.iopub_until_idle(msg_id) if m["msg_type"] == "execute_result"]
        self.assertEqual("6", results[0]["content"]["data"]["text/plain"])

    def test_input_in_a_magic_argument_is_asked_for_and_used(self):
        msg_id = self.k.kc.execute('#!set --name favourite --value @input:"Favourite number?"', allow_stdin=True)
        request = self.k.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual("Favourite number?", request["content"]["prompt"])
        self.k.kc.input("7")
        self.assertEqual("ok", self.k.reply_to(msg_id)["content"]["status"])
        self.k.iopub_until_idle(msg_id)
        self.assertEqual("7", self.k.value_of("favourite"))

    def test_get_input_async_without_allowed_stdin_fails_with_what_to_do(self):
        reply, messages = self.k.run('var name = await GetInputAsync("Your name?");', allow_stdin=False)
        self.assertEqual("error", reply["content"]["status"])
        self.assertIn("nothing can answer it here", reply["content"]["evalue"])

    def test_display_handle_update_becomes_update_display_data_with_the_same_display_id(self):
        reply, messages = self.k.run('var shown = display("first"); shown.Update("second");')
        self.assertEqual("ok", reply["content"]["status"])
        displays = [m["content"] for m in messages if m["msg_type"] == "display_data"]
        updates = [m["content"] for m in messages if m["msg_type"] == "update_display_data"]
        self.assertEqual(1, len(displays))
        self.assertEqual(1, len(updates))
        display_id = displays[0]["transient"]["display_id"]
        self.assertTrue(display_id)
        self.assertEqual(display_id, updates[0]["transient"]["display_id"])
        self.assertIn("first", displays[0]["data"]["text/plain"])
        self.assertIn("second", updates[0]["data"]["text/plain"])

    def test_a_plain_fit_shows_live_progress_updated_in_place_while_it_trains(self):
        setup, _ = self.k.run('#r "nuget: NotebookNN"\n#r "nuget: NotebookNN.Interactive"')
        self.assertEqual("ok", setup["content"]["status"])
        # 5 batches x 4 epochs, each held 60 ms by the loss: about 1.2 s of training.
        reply, messages = self.k.run(
            "using TorchSharp;\nusing static TorchSharp.torch;\nusing NotebookNN.Training;\n"
            "var fitModel = nn.Linear(2, 1);\n"
            "var fitTrainer = new Trainer(fitModel, (p, t) => { System.Threading.Thread.Sleep(60); return nn.functional.mse_loss(p, t); },"
            " optim.SGD(fitModel.parameters(), 0.05));\n"
            "var fitX = torch.rand(160, 2);\n"
            "fitTrainer.Fit(fitX, fitX.sum(1, keepdim: true), new FitOptions { Epochs = 4, BatchSize = 32 });")
        self.assertEqual("ok", reply["content"]["status"])
        displays = [m for m in messages if m["msg_type"] == "display_data"]
        updates = [m for m in messages if m["msg_type"] == "update_display_data"]
        self.assertEqual(1, len(displays))
        display_id = displays[0]["content"]["transient"]["display_id"]
        self.assertTrue(all(u["content"]["transient"]["display_id"] == display_id for u in updates))
        training = [u for u in updates if u["content"]["data"]["text/plain"].endswith("training")]
        self.assertGreaterEqual(len(training), 2, [u["content"]["data"]["text/plain"] for u in updates])
        final = updates[-1]["content"]["data"]
        self.assertTrue(final["text/plain"].startswith("Fit [====================] epoch 4/4"), final["text/plain"])
        self.assertIn("<progress", final["text/html"])
        # Sent while training, not all at the end: the first update left the kernel well before the final one.
        first, last = (datetime.datetime.fromisoformat(m["header"]["date"].replace("Z", "+00:00")) if isinstance(m["header"]["date"], str)
                       else m["header"]["date"] for m in (training[0], updates[-1]))
        self.assertGreaterEqual((last - first).total_seconds(), 0.4)

    def test_interrupt_while_waiting_for_input_ends_the_cell_and_the_kernel_keeps_serving(self):
        msg_id = self.k.kc.execute("var never = Console.ReadLine();", allow_stdin=True)
        self.assertEqual("input_request", self.k.kc.get_stdin_msg(timeout=TIMEOUT)["msg_type"])
        self.k.km.interrupt_kernel()
        reply = self.k.reply_to(msg_id, timeout=TIMEOUT)
        self.assertEqual("error", reply["content"]["status"])
        self.assertEqual("12", self.k.value_of("3 * 4"))
        # stdin still works after an interrupted read.
        self.test_console_readline_asks_the_front_end_when_stdin_is_allowed()

    def test_readline_without_allowed_stdin_reads_nothing(self):
        reply, messages = self.k.run('var none = Console.ReadLine(); none == null ? "no input" : "got " + none', allow_stdin=False)
        self.assertEqual("ok", reply["content"]["status"])
        results = [m for m in messages if m["msg_type"] == "execute_result"]
        self.assertEqual("no input", results[0]["content"]["data"]["text/plain"])

    def test_is_complete_reports_indent_for_incomplete_code(self):
        self.k.kc.is_complete("if (true) {")
        reply = self.k.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual("incomplete", reply["content"]["status"])
        self.assertIn("indent", reply["content"])

    def test_complete_reports_the_replaced_span_in_code_points(self):
        code = 'var s = "😀"; Math.Sq'
        self.k.kc.complete(code, len(code))
        reply = self.k.kc.get_shell_msg(timeout=TIMEOUT)["content"]
        self.assertIn("Sqrt", reply["matches"])
        self.assertEqual(len(code) - 2, reply["cursor_start"])
        self.assertEqual(len(code), reply["cursor_end"])

    def test_comm_info_is_empty_and_comm_open_is_closed_politely(self):
        self.k.kc.comm_info()
        reply = self.k.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual("comm_info_reply", reply["msg_type"])
        self.assertEqual({}, reply["content"]["comms"])
        msg = self.k.kc.session.msg("comm_open", {"comm_id": "c0ffee", "target_name": "jupyter.widget", "data": {}})
        self.k.kc.shell_channel.send(msg)
        closes = [m for m in self.k.iopub_until_idle(msg["header"]["msg_id"]) if m["msg_type"] == "comm_close"]
        self.assertEqual("c0ffee", closes[0]["content"]["comm_id"])
        self.assertEqual("7", self.k.value_of("3 + 4"))

    def test_kernel_info_answers_on_control_too(self):
        msg = self.k.kc.session.msg("kernel_info_request", {})
        self.k.kc.control_channel.send(msg)
        reply = self.k.kc.get_control_msg(timeout=TIMEOUT)
        self.assertEqual("5.3", reply["content"]["protocol_version"])
        self.assertEqual("C#", reply["content"]["language_info"]["name"])
        self.assertEqual("text/x-csharp", reply["content"]["language_info"]["mimetype"])


class LifecycleTests(unittest.TestCase):
    def test_restart_gives_a_fresh_state(self):
        k = KernelSession()
        try:
            self.assertEqual("8", k.value_of("var beforeRestart = 8; beforeRestart"))
            k.km.restart_kernel(now=False)
            k.kc.wait_for_ready(timeout=TIMEOUT)
            self.assertEqual("error", k.value_of("beforeRestart")[0])
            self.assertEqual("2", k.value_of("1 + 1"))
        finally:
            k.close()

    def test_shutdown_exits_promptly_and_leaves_no_process_behind(self):
        k = KernelSession()
        try:
            self.assertEqual("1", k.value_of("1"))
            pid = k.km.provisioner.pid
            children = nnb_kernelspec.children_of(pid)
            started = time.monotonic()
            k.kc.shutdown()
            reply = k.kc.get_control_msg(timeout=TIMEOUT)
            self.assertEqual("shutdown_reply", reply["msg_type"])
            while nnb_kernelspec.alive(pid) and time.monotonic() - started < SHUTDOWN_LIMIT:
                time.sleep(0.02)
            elapsed = time.monotonic() - started
            print(f"\n[measure] shutdown_request to process exit: {elapsed:.3f} s")
            self.assertFalse(nnb_kernelspec.alive(pid), f"the kernel process was still running {SHUTDOWN_LIMIT} s after shutdown_request")
            self.assertEqual([], [c for c in children if nnb_kernelspec.alive(c)])
            self.assertEqual(0, k.km.provisioner.process.wait(timeout=TIMEOUT))
        finally:
            k.close()

    def test_shutdown_exits_even_when_user_code_left_a_foreground_thread_running(self):
        k = KernelSession()
        try:
            pid = k.km.provisioner.pid
            reply, _ = k.run("new System.Threading.Thread(() => System.Threading.Thread.Sleep(-1)) { IsBackground = false }.Start();")
            self.assertEqual("ok", reply["content"]["status"])
            started = time.monotonic()
            k.kc.shutdown()
            while nnb_kernelspec.alive(pid) and time.monotonic() - started < SHUTDOWN_LIMIT:
                time.sleep(0.02)
            self.assertFalse(nnb_kernelspec.alive(pid), "a foreground thread from user code kept the kernel alive after shutdown_request")
        finally:
            k.close()

    def test_sigterm_stops_the_kernel(self):
        k = KernelSession()
        try:
            pid = k.km.provisioner.pid
            self.assertEqual("1", k.value_of("1"))
            os.kill(pid, signal.SIGTERM)
            self.assertEqual(0, k.km.provisioner.process.wait(timeout=TIMEOUT))
        finally:
            k.close()

    def test_shutdown_while_a_cell_loops_still_exits(self):
        k = KernelSession()
        try:
            pid = k.km.provisioner.pid
            k.kc.execute("while (true) { }")
            time.sleep(1.0)
            started = time.monotonic()
            k.kc.shutdown()
            while nnb_kernelspec.alive(pid) and time.monotonic() - started < SHUTDOWN_LIMIT:
                time.sleep(0.02)
            self.assertFalse(nnb_kernelspec.alive(pid), "a looping cell kept the kernel alive after shutdown_request")
        finally:
            k.close()


if __name__ == "__main__":
    unittest.main()
