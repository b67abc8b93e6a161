"""Validates .devcontainer/devcontainer.json (CPU) and .devcontainer/gpu/devcontainer.json (NVIDIA) against the
dev container JSON schema (a committed copy, see SCHEMA-SOURCE.md) and checks what each must set up.

Run: /usr/bin/python3 -m unittest tests/jupyter/test_devcontainer_schema.py  (from the repository root)
"""
import json
import pathlib
import unittest

import jsonschema

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SCHEMA = json.loads((HERE / "devContainer.base.schema.json").read_text(encoding="utf-8"))
CPU = ROOT / ".devcontainer" / "devcontainer.json"
GPU = ROOT / ".devcontainer" / "gpu" / "devcontainer.json"
POST_CREATE = ROOT / ".devcontainer" / "post-create.sh"


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def schema_errors(document):
    validator = jsonschema.Draft201909Validator(SCHEMA)
    return sorted(error.message for error in validator.iter_errors(document))


class DevContainerSchemaTests(unittest.TestCase):
    def test_schema_itself_is_a_valid_2019_09_schema(self):
        jsonschema.Draft201909Validator.check_schema(SCHEMA)

    def test_cpu_and_gpu_files_are_valid(self):
        for path in (CPU, GPU):
            with self.subTest(path=str(path.relative_to(ROOT))):
                self.assertEqual([], schema_errors(load(path)))

    def test_validator_rejects_what_the_schema_forbids(self):
        # Proves the check can fail: each mutation breaks one rule of the schema.
        broken = load(GPU)
        broken["runArgs"] = "--gpus all"
        self.assertNotEqual([], schema_errors(broken))
        broken = load(CPU)
        broken["hostRequirements"] = {"gpu": "sometimes"}
        self.assertNotEqual([], schema_errors(broken))
        broken = load(CPU)
        broken["notADevContainerProperty"] = True
        self.assertNotEqual([], schema_errors(broken))

    def test_both_install_dotnet_10_jupyter_and_the_kernel_and_recommend_the_extensions(self):
        for path, backend in ((CPU, "cpu"), (GPU, "cuda")):
            with self.subTest(path=str(path.relative_to(ROOT))):
                config = load(path)
                self.assertEqual("10.0", config["features"]["ghcr.io/devcontainers/features/dotnet:2"]["version"])
                self.assertEqual(f"bash .devcontainer/post-create.sh {backend}", config["postCreateCommand"])
                self.assertEqual(
                    {"ms-toolsai.jupyter", "ms-dotnettools.csharp"},
                    set(config["customizations"]["vscode"]["extensions"]),
                )

    def test_both_make_vs_code_ask_the_kernel_for_completions_after_a_dot_in_csharp(self):
        # VS Code's Jupyter extension asks a kernel for completions only on the trigger characters set for its
        # language; it has none for csharp, so without this C# cells complete nothing after "xs.".
        for path in (CPU, GPU):
            with self.subTest(path=str(path.relative_to(ROOT))):
                triggers = load(path)["customizations"]["vscode"]["settings"]["jupyter.completionTriggerCharacters"]
                self.assertEqual(["."], triggers["csharp"])
                # The setting replaces the extension's default object, so Python keeps its default characters.
                self.assertEqual([".", "%", "'", '"'], triggers["python"])

    def test_gpu_file_passes_all_gpus_and_requires_one(self):
        config = load(GPU)
        args = config["runArgs"]
        self.assertIn("--gpus", args)
        self.assertEqual("all", args[args.index("--gpus") + 1])
        self.assertTrue(config["hostRequirements"]["gpu"])

    def test_post_create_builds_the_backend_and_registers_the_kernel(self):
        script = POST_CREATE.read_text(encoding="utf-8")
        self.assertIn('-p:TorchBackend="$backend"', script)
        self.assertIn("install --user", script)
        self.assertIn("jupyter-notebook", script)


if __name__ == "__main__":
    unittest.main()
