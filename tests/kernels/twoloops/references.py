"""float64 numpy references for the launch specs of this folder.

A reference maps ``(inputs, sizes, reals)`` to the spec's ``out`` tensors: ``inputs`` holds every
``in`` tensor (float64 arrays over the logical shape), ``sizes`` the size symbols, ``reals`` the
spec's real scalars. ``PREPARE`` edits random inputs where standard normal data is not enough.
"""

from __future__ import annotations

import numpy as np


def rms_norm_loop(inputs, sizes, reals):
    x, w = inputs["x"], inputs["w"]
    return {"y": x * w / np.sqrt(np.mean(x * x, axis=1, keepdims=True) + reals["eps"])}


def softmax_two_pass(inputs, sizes, reals):
    x = inputs["x"]
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return {"y": e / e.sum(axis=1, keepdims=True)}


def layer_norm_three_loops(inputs, sizes, reals):
    x, w, b = inputs["x"], inputs["w"], inputs["b"]
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    return {"y": (x - mean) / np.sqrt(var + reals["eps"]) * w + b}


def row_scale(inputs, sizes, reals):
    x = inputs["x"]
    return {"y": x / x.sum(axis=1, keepdims=True)}


def absmax_quant(inputs, sizes, reals):
    x = inputs["x"]
    scale = np.abs(x).max(axis=1) / 127.0
    return {"y": x / scale[:, None], "scale": scale}


def positive_rows(inputs):
    """Row sums far from 0 (a sum near 0 makes x / sum(x) ill-conditioned in fp32)."""
    inputs["x"] = np.abs(inputs["x"]) + 0.5


REFERENCES = {
    "rms_norm_loop": rms_norm_loop,
    "softmax_two_pass": softmax_two_pass,
    "layer_norm_three_loops": layer_norm_three_loops,
    "row_scale": row_scale,
    "absmax_quant": absmax_quant,
    "softmax_zero_init": softmax_two_pass,
}
PREPARE = {"row_scale": positive_rows}
