"""nbconvert_compare.py: Jupyter's nbconvert through the kernel and `nnb run` give the same outputs on a sample
notebook (streams, a result, a display updated through its handle), and the comparison ignores only what may
differ between runs.

Run: /usr/bin/python3 -m unittest tests.jupyter.test_nbconvert_compare  (from the repository root)
"""
import os
import pathlib
import subprocess
import sys
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import nbconvert_compare  # noqa: E402


class NormalizationTests(unittest.TestCase):
    def test_ids_and_timings_are_ignored(self):
        a = [{"output_type": "stream", "name": "stdout", "text": "Wall time: 12.5 ms, id 0f8fad5b-d9cb-469f-a165-70867728950e\n"}]
        b = [{"output_type": "stream", "name": "stdout", "text": ["Wall time: 3 s, id 7c9e6679-7425-40de-944b-e07fc1f90ae7\n"]}]
        self.assertEqual(nbconvert_compare.normalize_outputs(a), nbconvert_compare.normalize_outputs(b))

    def test_stream_chunking_is_ignored(self):
        a = [{"output_type": "stream", "name": "stdout", "text": "ab"}]
        b = [{"output_type": "stream", "name": "stdout", "text": "a"}, {"output_type": "stream", "name": "stdout", "text": "b"}]
        self.assertEqual(nbconvert_compare.normalize_outputs(a), nbconvert_compare.normalize_outputs(b))

    def test_different_values_and_kinds_are_differences(self):
        result = {"output_type": "execute_result", "data": {"text/plain": "55"}, "execution_count": 2, "metadata": {}}
        other_value = dict(result, data={"text/plain": "56"})
        as_display = {"output_type": "display_data", "data": {"text/plain": "55"}, "metadata": {}}
        self.assertNotEqual(nbconvert_compare.normalize_outputs([result]), nbconvert_compare.normalize_outputs([other_value]))
        self.assertNotEqual(nbconvert_compare.normalize_outputs([result]), nbconvert_compare.normalize_outputs([as_display]))
        stdout = {"output_type": "stream", "name": "stdout", "text": "x"}
        self.assertNotEqual(nbconvert_compare.normalize_outputs([stdout]), nbconvert_compare.normalize_outputs([dict(stdout, name="stderr")]))

    def test_json_mime_types_compare_as_json(self):
        a = [{"output_type": "display_data", "data": {"application/json": {"b": 1, "a": 2}}, "metadata": {}}]
        b = [{"output_type": "display_data", "data": {"application/json": {"a": 2, "b": 1}}, "metadata": {}}]
        self.assertEqual(nbconvert_compare.normalize_outputs(a), nbconvert_compare.normalize_outputs(b))


class EndToEndTests(unittest.TestCase):
    def test_sample_notebook_gives_the_same_outputs_through_nbconvert_and_nnb_run(self):
        result = subprocess.run(
            [sys.executable, str(HERE / "nbconvert_compare.py"), str(HERE / "fixtures" / "compare_sample.ipynb")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=dict(os.environ), timeout=600)
        self.assertEqual(0, result.returncode, result.stdout)
        self.assertIn("SAME    compare_sample.ipynb (4 code cells, 7 outputs)", result.stdout)


if __name__ == "__main__":
    unittest.main()
