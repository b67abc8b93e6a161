"""Row 4: one kernel's cold start (launch to the first `1 + 1` result) and warm round trips (`1 + 1` repeated),
through jupyter_client, the same code for nnb kernel and ipykernel. Prints one "RESULT {json}" line.
The kernel is found by name through JUPYTER_PATH (benchmarks/bench.py installs nnb's spec into a private prefix)."""
import argparse
import json
import time

from jupyter_client.manager import start_new_kernel  # noqa: F401  (imported so its import cost is outside the clock)
from jupyter_client import KernelManager


def round_trip(client, code):
    """Executes code and waits for its execute_result and the reply; returns the result text."""
    msg_id = client.execute(code)
    text = None
    while True:
        msg = client.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result":
            text = msg["content"]["data"].get("text/plain")
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = client.get_shell_msg(timeout=120)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"'{code}' failed: {reply['content']}")
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kernel")
    parser.add_argument("--warm", type=int, default=200)
    parser.add_argument("--also", action="append", default=[],
                        help="more code to time warm the same way (e.g. '' for an empty cell: protocol cost without "
                             "evaluation), reported as warm_median_seconds_by_code")
    args = parser.parse_args()
    start = time.perf_counter()
    manager = KernelManager(kernel_name=args.kernel)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=300)
        first = round_trip(client, "1 + 1")
        cold = time.perf_counter() - start
        if first is None or first.strip() != "2":
            raise RuntimeError(f"1 + 1 gave {first!r}, not '2'")
        warm = []
        for _ in range(args.warm):
            begin = time.perf_counter()
            round_trip(client, "1 + 1")
            warm.append(time.perf_counter() - begin)
        by_code = {}
        for code in args.also:
            times = []
            for _ in range(args.warm):
                begin = time.perf_counter()
                round_trip(client, code)
                times.append(time.perf_counter() - begin)
            by_code[code] = sorted(times)[len(times) // 2]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)
    warm.sort()
    print("RESULT " + json.dumps({"cold_seconds": cold, "warm_median_seconds": warm[len(warm) // 2], "warm_count": len(warm), "warm_median_seconds_by_code": by_code}), flush=True)


if __name__ == "__main__":
    main()
