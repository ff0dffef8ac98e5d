"""The matmul family (including attention and convolution), indexing, layout and creation.

Matrix operands have named axes `M, K, N`; the batched forms (bmm, baddbmm, matmul, attention)
add the batch axes in front. Index tensors are int64 with values in range (`index:N`).
"""

from __future__ import annotations

from .model import Arg, Param, RefOp

MM = "sum(k, 0, K, a[i, k] * b[k, j])"
_BETA = (Param("beta", 1.0), Param("alpha", 1.0))
_BA = ({"beta": 0.5, "alpha": 2.0},)
_SCORE = "rsqrt(E) * sum(e, 0, E, q[i, e] * k[{j}, e])"


def _mm(name: str, batch: bool, torch: str, bias: bool = False) -> RefOp:
    inputs = (Arg("a", ("M", "K"), batch), Arg("b", ("K", "N"), batch))
    if bias:
        inputs = (Arg("bias", ("M", "N"), batch), *inputs)
    body = f"beta * bias[i, j] + alpha * {MM}" if bias else MM
    return RefOp(name, "matmul", inputs, (Arg("out", ("M", "N"), batch),), (f"out[i, j] = {body}",), torch,
                 _BETA if bias else (), sizes={"M": 3, "K": 4, "N": 5}, tests=_BA if bias else ())


def _attention(causal: bool) -> RefOp:
    mask = "where({j} <= i, exp({s}), 0)" if causal else "exp({s})"
    num = mask.format(j="j", s=_SCORE.format(j="j"))
    den = mask.format(j="l", s=_SCORE.format(j="l"))
    return RefOp("aten::scaled_dot_product_attention", "attention",
                 (Arg("q", ("L", "E")), Arg("k", ("S", "E")), Arg("v", ("S", "D"))), (Arg("out", ("L", "D")),),
                 (f"out[i, d] = sum(j, 0, S, {num} * v[j, d]) / sum(l, 0, S, {den})",),
                 f"F.scaled_dot_product_attention(q, k, v, is_causal={causal})", fixed={"is_causal": causal},
                 sizes={"L": 4, "S": 4, "E": 3, "D": 2}, note="scale 1/sqrt(E); no dropout, no attention mask")


def _idx(name: str, inputs: tuple[Arg, ...], out: Arg, eq: str, torch: str, params: tuple[Param, ...] = (),
         dim_axis: str | None = None, alias: tuple[str, ...] = (), lets: dict[str, str] | None = None,
         sizes: dict[str, int] | None = None, tests: tuple = (), cat: str = "indexing", note: str = "",
         rank: int | None = None) -> RefOp:
    return RefOp(name, cat, inputs, (out,), (eq,), torch, params, dim_axis=dim_axis, dim_alias=alias,
                 lets=dict(lets or {}), sizes=dict(sizes or {}), tests=tests, note=note, rank=rank)


_DIM = Param("dim", -1, "dim")
_XN = Arg("x", ("N",))
_OUTN = Arg("out", ("N",))

OPS: tuple[RefOp, ...] = (
    # -- matmul family ----------------------------------------------------------------------------------
    _mm("aten::mm", False, "torch.mm(a, b)"),
    _mm("aten::bmm", True, "torch.bmm(a, b)"),
    _mm("aten::matmul", True, "torch.matmul(a, b)"),
    _mm("aten::addmm", False, "torch.addmm(bias, a, b, beta=beta, alpha=alpha)", bias=True),
    _mm("aten::baddbmm", True, "torch.baddbmm(bias, a, b, beta=beta, alpha=alpha)", bias=True),
    RefOp("aten::mv", "matmul", (Arg("a", ("M", "N"), False), Arg("v", ("N",), False)), (Arg("out", ("M",), False),),
          ("out[i] = sum(k, 0, N, a[i, k] * v[k])",), "torch.mv(a, v)"),
    RefOp("aten::addmv", "matmul", (Arg("bias", ("M",), False), Arg("a", ("M", "N"), False), Arg("v", ("N",), False)),
          (Arg("out", ("M",), False),), ("out[i] = beta * bias[i] + alpha * sum(k, 0, N, a[i, k] * v[k])",),
          "torch.addmv(bias, a, v, beta=beta, alpha=alpha)", _BETA, tests=_BA),
    RefOp("aten::addr", "matmul", (Arg("bias", ("M", "N"), False), Arg("v1", ("M",), False), Arg("v2", ("N",), False)),
          (Arg("out", ("M", "N"), False),), ("out[i, j] = beta * bias[i, j] + alpha * v1[i] * v2[j]",),
          "torch.addr(bias, v1, v2, beta=beta, alpha=alpha)", _BETA, tests=_BA),
    RefOp("aten::outer", "matmul", (Arg("v1", ("M",), False), Arg("v2", ("N",), False)),
          (Arg("out", ("M", "N"), False),), ("out[i, j] = v1[i] * v2[j]",), "torch.outer(v1, v2)"),
    RefOp("aten::dot", "matmul", (Arg("x", ("N",), False), Arg("y", ("N",), False)), (Arg("out", (), False),),
          ("out[] = sum(k, 0, N, x[k] * y[k])",), "torch.dot(x, y)"),
    RefOp("aten::vdot", "matmul", (Arg("x", ("N",), False), Arg("y", ("N",), False)), (Arg("out", (), False),),
          ("out[] = sum(k, 0, N, x[k] * y[k])",), "torch.vdot(x, y)", note="real input"),
    RefOp("aten::trace", "matmul", (Arg("x", ("M", "N"), False),), (Arg("out", (), False),),
          ("out[] = sum(k, 0, min(M, N), x[k, k])",), "torch.trace(x)", sizes={"M": 4, "N": 5}),
    RefOp("aten::linear", "matmul", (Arg("x", ("K",)), Arg("weight", ("N", "K"), False), Arg("bias", ("N",), False)),
          (Arg("out", ("N",)),), ("out[j] = sum(k, 0, K, x[k] * weight[j, k]) + bias[j]",), "F.linear(x, weight, bias)",
          sizes={"K": 4, "N": 3}),
    _attention(False),
    _attention(True),
    RefOp("aten::conv1d", "conv", (Arg("x", ("C", "L")), Arg("weight", ("O", "C", "W"), False), Arg("bias", ("O",), False)),
          (Arg("out", ("O", "P")),), ("out[o, t] = sum(c, 0, C, sum(k, 0, W, x[c, t + k] * weight[o, c, k])) + bias[o]",),
          "F.conv1d(x, weight, bias)", lets={"P": "L - W + 1"}, sizes={"C": 2, "L": 7, "O": 3, "W": 3},
          note="stride 1, no padding, no dilation, groups 1"),
    RefOp("aten::conv2d", "conv",
          (Arg("x", ("C", "H", "V")), Arg("weight", ("O", "C", "P", "Q"), False), Arg("bias", ("O",), False)),
          (Arg("out", ("O", "Y", "Z")),),
          ("out[o, y, z] = sum(c, 0, C, sum(p, 0, P, sum(q, 0, Q, x[c, y + p, z + q] * weight[o, c, p, q]))) + bias[o]",),
          "F.conv2d(x, weight, bias)", lets={"Y": "H - P + 1", "Z": "V - Q + 1"},
          sizes={"C": 2, "H": 5, "V": 4, "O": 2, "P": 2, "Q": 3}, note="stride 1, no padding, no dilation, groups 1"),
    RefOp("aten::avg_pool2d", "conv", (Arg("x", ("H", "V")),), (Arg("out", ("Y", "Z")),),
          ("out[y, z] = sum(p, 0, kernel, sum(q, 0, kernel, x[y * kernel + p, z * kernel + q])) / (kernel * kernel)",),
          "F.avg_pool2d(x, kernel)", (Param("kernel", 2, "int"),), lets={"Y": "H // kernel", "Z": "V // kernel"},
          sizes={"H": 6, "V": 4}, note="stride = kernel, no padding"),
    # -- indexing ---------------------------------------------------------------------------------------
    _idx("aten::gather", (_XN, Arg("index", ("K",), dtype="int", domain="index:N")), Arg("out", ("K",)),
         "out[j] = x[index[j]]", "torch.gather(x, dim, index)", (_DIM,), "N", ("K",), sizes={"K": 4},
         tests=({"dim": 0},)),
    _idx("aten::index_select", (_XN, Arg("index", ("K",), False, "int", "index:N")), Arg("out", ("K",)),
         "out[j] = x[index[j]]", "torch.index_select(x, dim, index)", (_DIM,), "N", ("K",), sizes={"K": 4},
         tests=({"dim": 0},)),
    _idx("aten::index.Tensor", (_XN, Arg("index", ("K",), False, "int", "index:N")), Arg("out", ("K",)),
         "out[j] = x[index[j]]", "x[index]", (Param("dim", 0, "dim"),), "N", ("K",), sizes={"K": 4},
         note="x[index] with one index tensor: dim 0"),
    _idx("aten::embedding", (Arg("weight", ("V", "D"), False), Arg("indices", dtype="int", domain="index:V")),
         Arg("out", ("D",)), "out[d] = weight[indices[], d]", "F.embedding(indices, weight)", sizes={"V": 6, "D": 3}),
    _idx("aten::index_add", (_XN, Arg("index", ("K",), False, "int", "index:N"), Arg("source", ("K",))), _OUTN,
         "out[j] = x[j] + alpha * sum(k, 0, K, where(index[k] == j, source[k], 0))",
         "x.index_add(dim, index, source, alpha=alpha)", (_DIM, Param("alpha", 1.0)), "N", ("K",),
         sizes={"K": 7}, tests=({"dim": 0, "alpha": 0.5},)),
    _idx("aten::scatter_add", (_XN, Arg("index", ("K",), dtype="int", domain="index:N"), Arg("source", ("K",))),
         _OUTN, "out[j] = x[j] + sum(k, 0, K, where(index[k] == j, source[k], 0))",
         "torch.scatter_add(x, dim, index, source)", (_DIM,), "N", ("K",), sizes={"K": 7}, tests=({"dim": 0},)),
    _idx("aten::select_scatter", (_XN, Arg("source")), _OUTN, "out[j] = where(j == position, source[], x[j])",
         "torch.select_scatter(x, source, dim, position)", (_DIM, Param("position", 1, "int")), "N"),
    _idx("aten::slice_scatter", (_XN, Arg("source", ("P",))), _OUTN,
         "out[j] = where(j >= start and j < start + P, source[j - start], x[j])",
         "torch.slice_scatter(x, source, dim, start, start + source.shape[dim])",
         (_DIM, Param("start", 1, "int")), "N", ("P",), sizes={"P": 3}),
    _idx("aten::flip", (_XN,), _OUTN, "out[j] = x[N - 1 - j]", "torch.flip(x, [dim])", (_DIM,), "N",
         tests=({"dim": 0},), cat="layout"),
    _idx("aten::roll", (_XN,), _OUTN, "out[j] = x[(j + N - shifts % N) % N]", "torch.roll(x, shifts, dim)",
         (Param("shifts", 2, "int"), _DIM), "N", tests=({"shifts": 7, "dim": 0},), cat="layout",
         note="shifts >= 0"),
    _idx("aten::tril", (Arg("x", ("M", "N")),), Arg("out", ("M", "N")), "out[i, j] = where(j - i <= diagonal, x[i, j], 0)",
         "torch.tril(x, diagonal)", (Param("diagonal", 0, "int"),), tests=({"diagonal": 1},), cat="layout"),
    _idx("aten::triu", (Arg("x", ("M", "N")),), Arg("out", ("M", "N")), "out[i, j] = where(j - i >= diagonal, x[i, j], 0)",
         "torch.triu(x, diagonal)", (Param("diagonal", 0, "int"),), tests=({"diagonal": -1},), cat="layout"),
    _idx("aten::diag_embed", (_XN,), Arg("out", ("N", "P")), "out[i, j] = where(i == j, x[i], 0)",
         "torch.diag_embed(x)", lets={"P": "N"}, cat="layout"),
    _idx("aten::diagonal", (Arg("x", ("M", "N")),), Arg("out", ("P",)), "out[j] = x[j, j]",
         "torch.diagonal(x, 0, -2, -1)", lets={"P": "min(M, N)"}, sizes={"M": 4, "N": 6}, cat="layout"),
    _idx("aten::t_copy", (Arg("x", ("M", "N"), False),), Arg("out", ("N", "M"), False), "out[j, i] = x[i, j]",
         "x.t().contiguous()", cat="layout"),
    _idx("aten::repeat", (_XN,), Arg("out", ("P",)), "out[j] = x[j % N]",
         "x.repeat(*([1] * (x.dim() - 1)), repeats)", (Param("repeats", 3, "int"),), lets={"P": "N * repeats"},
         cat="layout", note="repeats along the last dim"),
    _idx("aten::repeat_interleave.self_int", (_XN,), Arg("out", ("P",)), "out[j] = x[j // repeats]",
         "torch.repeat_interleave(x, repeats, dim)", (Param("repeats", 2, "int"), _DIM), "N", ("P",),
         lets={"P": "N * repeats"}, tests=({"dim": 0},), cat="layout"),
    _idx("aten::cat", (Arg("a", ("N",)), Arg("b", ("P",))), Arg("out", ("Q",)),
         "out[j] = where(j < N, a[j], b[j - N])", "torch.cat([a, b], dim)", (_DIM,), "N", ("P", "Q"),
         lets={"Q": "N + P"}, sizes={"N": 3, "P": 4}, tests=({"dim": 0},), cat="layout", note="two tensors"),
    _idx("aten::stack", (Arg("a"), Arg("b")), Arg("out", ("T",)), "out[s] = where(s == 0, a[], b[])",
         "torch.stack([a, b], dim)", (_DIM,), "T", lets={"T": "2"}, tests=({"dim": 0},), cat="layout",
         note="two tensors"),
    _idx("aten::constant_pad_nd", (_XN,), Arg("out", ("P",)),
         "out[j] = where(j >= left and j < left + N, x[j - left], value)", "F.pad(x, (left, right), value=value)",
         (Param("left", 2, "int"), Param("right", 1, "int"), Param("value", 0.5)), lets={"P": "N + left + right"},
         cat="layout", note="the last dim"),
    _idx("aten::reflection_pad1d", (_XN,), Arg("out", ("P",)), "out[j] = x[N - 1 - abs(N - 1 - abs(j - left))]",
         "F.pad(x, (left, right), mode='reflect')", (Param("left", 2, "int"), Param("right", 3, "int")),
         lets={"P": "N + left + right"}, cat="layout"),
    _idx("aten::replication_pad1d", (_XN,), Arg("out", ("P",)), "out[j] = x[min(max(j - left, 0), N - 1)]",
         "F.pad(x, (left, right), mode='replicate')", (Param("left", 2, "int"), Param("right", 3, "int")),
         lets={"P": "N + left + right"}, cat="layout"),
    _idx("aten::upsample_nearest1d", (_XN,), Arg("out", ("O",)), "out[j] = x[j * N // O]",
         "F.interpolate(x, size=O, mode='nearest')", sizes={"N": 4, "O": 7}, cat="layout", rank=3,
         note="x is [B, C, N]; the source index floor(j·N/O) in exact arithmetic"),
    _idx("aten::sort", (Arg("x", ("N",), domain="distinct"),), Arg("out", ("N",)),
         "out[j] = sum(k, 0, N, where(sum(l, 0, N, where(x[l] < x[k], 1, 0)) == j, x[k], 0))",
         "torch.sort(x, dim).values", (_DIM,), "N", tests=({"dim": 0},), note="ascending; distinct values"),
    _idx("aten::topk", (Arg("x", ("N",), domain="distinct"),), Arg("out", ("T",)),
         "out[j] = sum(k, 0, N, where(sum(l, 0, N, where(x[l] > x[k], 1, 0)) == j, x[k], 0))",
         "torch.topk(x, T, dim).values", (_DIM,), "N", ("T",), sizes={"T": 3}, tests=({"dim": 0},),
         note="largest first; distinct values"),
    _idx("aten::one_hot", (Arg("target", dtype="int", domain="index:C"),), Arg("out", ("C",), dtype="int"),
         "out[c] = where(target[] == c, 1, 0)", "F.one_hot(target, C)"),
    RefOp("liger::rope", "attention", (Arg("q", ("S", "D")), Arg("cos", ("S", "D"), False), Arg("sin", ("S", "D"), False)),
          (Arg("out", ("S", "D")),),
          ("out[s, d] = q[s, d] * cos[s, d] + where(d < D // 2, -q[s, d + D // 2], q[s, d - D // 2]) * sin[s, d]",),
          "ref.rope(q, cos, sin)", sizes={"S": 3, "D": 4},
          note="q is [B, H, S, D]; rotate_half as Liger's rope_forward (the same for k)"),
    # -- creation -----------------------------------------------------------------------------------------
    _idx("aten::fill.Scalar", (Arg("x"),), Arg("out"), "out[] = value", "torch.full_like(x, value)",
         (Param("value", 1.5),), cat="creation"),
    _idx("aten::zeros_like", (Arg("x"),), Arg("out"), "out[] = 0", "torch.zeros_like(x)", cat="creation"),
    _idx("aten::ones_like", (Arg("x"),), Arg("out"), "out[] = 1", "torch.ones_like(x)", cat="creation"),
    _idx("aten::full_like", (Arg("x"),), Arg("out"), "out[] = value", "torch.full_like(x, value)",
         (Param("value", -2.0),), cat="creation"),
    _idx("aten::arange", (), Arg("out", ("N",), False), "out[j] = start + j * step",
         "torch.arange(start, start + step * N - step / 2, step, dtype=torch.float64)",
         (Param("start", 0.5), Param("step", 0.25)), cat="creation"),
    _idx("aten::linspace", (), Arg("out", ("N",), False), "out[j] = start + j * (end - start) / (N - 1)",
         "torch.linspace(start, end, N, dtype=torch.float64)", (Param("start", -1.0), Param("end", 2.0)),
         cat="creation"),
    _idx("aten::eye", (), Arg("out", ("N", "P"), False), "out[i, j] = where(i == j, 1, 0)", "torch.eye(N, P)",
         sizes={"P": 4}, cat="creation"),
)
