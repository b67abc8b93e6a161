"""Debian's jupyter_kernel_test suite against the NotebookNN kernel, with every sample it supports.

Run: /usr/bin/python3 -m unittest tests/jupyter/test_kernel_conformance.py  (from the repository root; see nnb_kernelspec.py)
"""
import os
import sys
import unittest

import jupyter_kernel_test

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nnb_kernelspec  # noqa: E402

nnb_kernelspec.install_private_kernelspec()


class NotebookNNKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = nnb_kernelspec.KERNEL_NAME
    language_name = "C#"
    file_extension = ".cs"

    code_hello_world = 'Console.WriteLine("hello, world");'
    code_stderr = 'Console.Error.WriteLine("something went wrong");'

    completion_samples = [
        {"text": "Math.Sq", "matches": {"Sqrt"}},
        {"text": "System.Console.WriteL", "matches": {"WriteLine"}},
    ]
    complete_code_samples = ["1 + 1", "var x = 3;", "class C { }", "Console.WriteLine(1);", "if (true) { }"]
    incomplete_code_samples = ["class C {", "if (true) {", "Console.WriteLine(", "var s = \"abc", "var x = 1 +", "if (x)"]
    # Invalid: a syntax error inside the text, which no amount of further typing at the end can fix.
    invalid_code_samples = ["}", "x = (1 + 2));", "class C { }}", "var x = ;", "int 5x = 1;"]

    code_generate_error = 'throw new InvalidOperationException("boom");'
    # test_language_info below checks the CodeMirror mode; the base class only checks the name and extension.
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "\"abc\".ToUpper()", "result": "ABC"},
        {"code": "Math.Max(2, 9)", "result": "9"},
    ]
    code_display_data = [
        {"code": 'display("shown");', "mime": "text/plain"},
    ]
    # The engine's cell helper, named like IPython's (Engine/Scripting/NotebookHelpers.cs).
    code_clear_output = "clear_output();"
    code_history_pattern = "6 * ?"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.Sqrt"

    # test_pager stays skipped: it needs a cell whose execute_reply carries a "page" payload, which only IPython's
    # `?`/`%page` syntax produces; C# has no such syntax, and help for a symbol is served by inspect_request
    # (Shift+Tab), which test_inspect covers.

    def test_language_info_names_the_csharp_codemirror_mode(self):
        # Notebook 6's CodeMirror highlights C# keywords only under the MIME "text/x-csharp"; "clike" alone has none.
        self.flush_channels()
        msg_id = self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(msg_id, reply["parent_header"]["msg_id"])
        language_info = reply["content"]["language_info"]
        self.assertEqual({"name": "text/x-csharp", "mime": "text/x-csharp"}, language_info["codemirror_mode"])
        self.assertEqual("text/x-csharp", language_info["mimetype"])
        self.assertEqual("csharp", language_info["pygments_lexer"])


if __name__ == "__main__":
    unittest.main()
