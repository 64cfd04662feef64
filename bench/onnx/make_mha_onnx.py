#!/usr/bin/python3
"""Writes the ONNX graphs of the multi-head self-attention that the bench runs on ONNX Runtime.

The graphs compute PyTorch's nn.MultiheadAttention(E, h, batch_first=True)(x, x, x) for x of shape
[B, L, E] (B and L dynamic, E = 512, h = 8), with the weights as initializers stored as *external data*
in one file, ``mha_e512_h8.weights.bin``, which the bench writes next to the graph before it opens a
session. So the committed graphs are small, and the weights are exactly the ones attn4j uses.

External data layout (little-endian float32, in this order, no padding):
  in_proj_weight_t   [E, 3E]   = in_proj_weight^T  (columns 0..E-1: W_q^T, E..2E-1: W_k^T, 2E..: W_v^T)
  in_proj_bias       [3E]
  out_proj_weight_t  [E, E]    = out_proj.weight^T
  out_proj_bias      [E]

Graphs written:
  mha_e512_h8_ops.onnx      plain ops: MatMul/Add, Split, Reshape/Transpose into heads, MatMul, Softmax,
                            MatMul, Transpose/Reshape, output MatMul/Add (ORT may fuse what it recognises);
  mha_e512_h8_contrib.onnx  com.microsoft.Attention (ORT's fused CPU attention: projection + attention),
                            then the output MatMul/Add; attribute unidirectional = 0;
  mha_e512_h8_contrib_causal.onnx  the same with unidirectional = 1 (causal, PyTorch's is_causal).

Run from the repository root:  python3 bench/onnx/make_mha_onnx.py
Needs the python3-onnx and python3-numpy packages (apt-get install -y python3-onnx python3-numpy).
"""
import math
import os
import sys
import tempfile

import onnx
from onnx import TensorProto, helper

E = 512
H = 8
D = E // H
WEIGHTS_FILE = "mha_e512_h8.weights.bin"
OPSET = 17

HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "src", "main", "resources", "dev", "attn4j", "bench", "onnx")


def external(name, dims, offset):
    """An initializer whose float32 data lives in WEIGHTS_FILE at the given byte offset."""
    t = TensorProto()
    t.name = name
    t.data_type = TensorProto.FLOAT
    t.dims.extend(dims)
    t.data_location = TensorProto.EXTERNAL
    length = 4 * math.prod(dims)
    for k, v in (("location", WEIGHTS_FILE), ("offset", str(offset)), ("length", str(length))):
        entry = t.external_data.add()
        entry.key = k
        entry.value = v
    return t, offset + length


def weights():
    inits = []
    off = 0
    for name, dims in (("in_proj_weight_t", [E, 3 * E]), ("in_proj_bias", [3 * E]),
                       ("out_proj_weight_t", [E, E]), ("out_proj_bias", [E])):
        t, off = external(name, dims, off)
        inits.append(t)
    return inits, off


def const_i64(name, values):
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


def io():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "L", E])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["B", "L", E])
    return x, y


def out_projection(ctx_name):
    return [
        helper.make_node("MatMul", [ctx_name, "out_proj_weight_t"], ["out_mm"], name="out_matmul"),
        helper.make_node("Add", ["out_mm", "out_proj_bias"], ["y"], name="out_bias"),
    ]


def ops_graph():
    inits, _ = weights()
    inits += [const_i64("heads_shape", [0, 0, H, D]), const_i64("merge_shape", [0, 0, E]),
              const_i64("split_sizes", [E, E, E]),
              helper.make_tensor("scale", TensorProto.FLOAT, [], [1.0 / math.sqrt(D)])]
    nodes = [
        helper.make_node("MatMul", ["x", "in_proj_weight_t"], ["qkv_mm"], name="in_matmul"),
        helper.make_node("Add", ["qkv_mm", "in_proj_bias"], ["qkv"], name="in_bias"),
        helper.make_node("Split", ["qkv", "split_sizes"], ["q", "k", "v"], name="split", axis=2),
        helper.make_node("Reshape", ["q", "heads_shape"], ["q4"], name="q_heads"),
        helper.make_node("Reshape", ["k", "heads_shape"], ["k4"], name="k_heads"),
        helper.make_node("Reshape", ["v", "heads_shape"], ["v4"], name="v_heads"),
        helper.make_node("Transpose", ["q4"], ["qh"], name="q_t", perm=[0, 2, 1, 3]),   # [B,h,L,d]
        helper.make_node("Transpose", ["k4"], ["kh_t"], name="k_t", perm=[0, 2, 3, 1]),  # [B,h,d,L]
        helper.make_node("Transpose", ["v4"], ["vh"], name="v_t", perm=[0, 2, 1, 3]),   # [B,h,L,d]
        helper.make_node("MatMul", ["qh", "kh_t"], ["scores_raw"], name="qk"),
        helper.make_node("Mul", ["scores_raw", "scale"], ["scores"], name="scale_scores"),
        helper.make_node("Softmax", ["scores"], ["probs"], name="softmax", axis=-1),
        helper.make_node("MatMul", ["probs", "vh"], ["ctx_h"], name="pv"),
        helper.make_node("Transpose", ["ctx_h"], ["ctx4"], name="ctx_t", perm=[0, 2, 1, 3]),
        helper.make_node("Reshape", ["ctx4", "merge_shape"], ["ctx"], name="merge_heads"),
    ] + out_projection("ctx")
    x, y = io()
    return helper.make_graph(nodes, "mha_e512_h8_ops", [x], [y], initializer=inits)


def contrib_graph(causal):
    inits, _ = weights()
    nodes = [
        helper.make_node("Attention", ["x", "in_proj_weight_t", "in_proj_bias"], ["ctx"], name="attention",
                         domain="com.microsoft", num_heads=H, unidirectional=1 if causal else 0),
    ] + out_projection("ctx")
    x, y = io()
    name = "mha_e512_h8_contrib" + ("_causal" if causal else "")
    return helper.make_graph(nodes, name, [x], [y], initializer=inits)


def save(graph, file_name, contrib):
    opsets = [helper.make_opsetid("", OPSET)]
    if contrib:
        opsets.append(helper.make_opsetid("com.microsoft", 1))
    model = helper.make_model(graph, opset_imports=opsets, producer_name="attn4j-bench make_mha_onnx.py")
    model.ir_version = 8
    if not contrib:
        # The checker does not know com.microsoft ops; the plain graph it checks in full, next to a
        # zero-filled weights file of the right size (it insists that the external data exists).
        with tempfile.TemporaryDirectory() as tmp:
            _, total = weights()
            with open(os.path.join(tmp, WEIGHTS_FILE), "wb") as f:
                f.write(bytes(total))
            tmp_model = os.path.join(tmp, file_name)
            with open(tmp_model, "wb") as f:
                f.write(model.SerializeToString())
            onnx.checker.check_model(tmp_model, full_check=True)
    path = os.path.join(OUT_DIR, file_name)
    # onnx.save would try to convert the external tensors; the serialized proto is what we want.
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    print(f"wrote {os.path.relpath(path)} ({os.path.getsize(path)} bytes)")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    _, total = weights()
    expected = 4 * (E * 3 * E + 3 * E + E * E + E)
    if total != expected:
        sys.exit(f"weights layout is {total} bytes, expected {expected}")
    save(ops_graph(), "mha_e512_h8_ops.onnx", contrib=False)
    save(contrib_graph(False), "mha_e512_h8_contrib.onnx", contrib=True)
    save(contrib_graph(True), "mha_e512_h8_contrib_causal.onnx", contrib=True)


if __name__ == "__main__":
    main()
