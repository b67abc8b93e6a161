"""Writes tensor_reprs.json: PyTorch's own repr for a set of tensors, the reference for TensorText.

Run with Debian's python3-torch (1.13): /usr/bin/python3 make_tensor_reprs.py
Each case records dtype, shape, the flat values (non-finite floats as strings), requires_grad and repr(t);
the .NET tests rebuild the tensor in TorchSharp and compare the text exactly.
"""
import json
import math
import os

import torch

torch.manual_seed(1234)


def case(name, t, requires_grad=False):
    t = t.detach().clone()
    if requires_grad:
        t.requires_grad_(True)
    flat = t.detach().reshape(-1).tolist()
    if t.dtype.is_floating_point:
        flat = [v if math.isfinite(v) else repr(v) for v in flat]
    return {
        "name": name,
        "dtype": str(t.dtype).replace("torch.", ""),
        "shape": list(t.shape),
        "values": flat,
        "requires_grad": requires_grad,
        "repr": repr(t),
    }


nan, inf = float("nan"), float("inf")
cases = [
    case("scalar_float", torch.tensor(3.14159)),
    case("scalar_int_valued_float", torch.tensor(2.0)),
    case("scalar_long", torch.tensor(7)),
    case("scalar_bool", torch.tensor(True)),
    case("scalar_tiny", torch.tensor(1.5e-7)),
    case("vector_float", torch.tensor([0.1, -2.5, 3.14159, 100.0])),
    case("vector_integers_as_float", torch.tensor([1.0, 2.0, -3.0, 0.0])),
    case("vector_long", torch.tensor([1, -20, 300, 4000])),
    case("vector_int32", torch.tensor([1, 2, 3], dtype=torch.int32)),
    case("vector_bool", torch.tensor([True, False, True])),
    case("vector_double", torch.tensor([1.0 / 3.0, 2.0 / 3.0], dtype=torch.float64)),
    case("vector_tiny", torch.tensor([1e-5, 2e-6, 3e-7])),
    case("vector_huge", torch.tensor([1e10, 2.5e12, -3e9])),
    case("vector_mixed_magnitudes", torch.tensor([0.001, 1.0, 12345.0])),
    case("vector_huge_integers", torch.tensor([1e9, 2e9])),
    case("vector_int_ratio_sci", torch.tensor([1.0, 2000.0])),
    case("vector_nan_inf", torch.tensor([1.5, nan, inf, -inf, 0.0])),
    case("vector_nan_inf_int_mode", torch.tensor([1.0, nan, -inf])),
    case("vector_all_zero", torch.zeros(5)),
    case("vector_wraps_lines", torch.randn(40)),
    case("vector_requires_grad", torch.tensor([0.5, 1.5]), requires_grad=True),
    case("matrix_float", torch.randn(3, 4)),
    case("matrix_double", torch.randn(2, 3, dtype=torch.float64)),
    case("matrix_long", torch.arange(12).reshape(3, 4)),
    case("matrix_int16", torch.tensor([[1, -2], [3, 4]], dtype=torch.int16)),
    case("matrix_uint8", torch.tensor([[0, 255], [128, 7]], dtype=torch.uint8)),
    case("matrix_bool", torch.tensor([[True, False], [False, True]])),
    case("matrix_requires_grad", torch.randn(2, 2), requires_grad=True),
    case("matrix_wide_wraps", torch.randn(2, 25)),
    case("tensor3d", torch.randn(2, 3, 4)),
    case("tensor4d", torch.randn(2, 2, 2, 3)),
    case("tensor4d_long", torch.arange(24).reshape(2, 3, 2, 2)),
    case("summarised_vector", torch.arange(2000, dtype=torch.float32) / 7.0),
    case("summarised_long", torch.arange(1500)),
    case("summarised_matrix", torch.randn(40, 50)),
    case("summarised_matrix_double", torch.randn(30, 40, dtype=torch.float64) * 1000),
    case("summarised_3d", torch.randn(3, 40, 40)),
    case("summarised_4d", torch.randn(8, 3, 10, 10)),
    case("summarised_4d_int32", torch.randint(-50, 50, (4, 4, 8, 10), dtype=torch.int32)),
    case("summarised_bool", torch.rand(30, 40) > 0.5),
    case("summarised_tiny_sci", torch.rand(50, 30) * 1e-6),
    case("summarised_requires_grad", torch.randn(1001), requires_grad=True),
    case("empty_vector", torch.zeros(0)),
    case("empty_long", torch.zeros(0, dtype=torch.int64)),
    case("empty_matrix", torch.zeros(2, 0)),
    case("half_values", torch.tensor([0.5, 1.25, -3.0], dtype=torch.float16)),
    case("rounding_ties", torch.tensor([0.125, 0.375, 2.5, 0.00005, 1.00005], dtype=torch.float64)),
    case("negative_zero", torch.tensor([-0.0, 1.5])),
]

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tensor_reprs.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, indent=1)
print(f"wrote {len(cases)} cases to {out}")
