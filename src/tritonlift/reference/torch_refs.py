"""PyTorch compositions for the rows that are no single torch operator (Liger's fused ops) or
whose torch operator returns other shapes (native_layer_norm's [B, 1] statistics). Each follows
the library's documentation; the reference formulas are tested against these.

Tooling: imports torch.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def native_layer_norm(x, weight, bias, eps):
    out, mean, rstd = torch.native_layer_norm(x, [x.shape[-1]], weight, bias, eps)
    return out, mean.squeeze(-1), rstd.squeeze(-1)


def _rstd(x, eps):
    return torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)


def rms_norm_offset(x, weight, eps, offset):
    r = _rstd(x, eps)
    return x * r * (offset + weight), r.squeeze(-1)


def fused_add_rms_norm(x, residual, weight, eps, offset):
    s = x + residual
    r = _rstd(s, eps)
    return s * r * (offset + weight), s, r.squeeze(-1)


def poly_norm(x, weight, bias, eps):
    def norm(u):
        return u * _rstd(u, eps)

    return weight[0] * norm(x ** 3) + weight[1] * norm(x ** 2) + weight[2] * norm(x) + bias


def _reduce_rows(per_row, reduction):
    if reduction == "none":
        return per_row
    if reduction == "sum":
        return per_row.sum()
    if reduction == "batchmean":
        return per_row.sum() / per_row.shape[0]
    return per_row.mean()


def liger_kl_div(x, y, eps, reduction):
    return _reduce_rows((y * (torch.log(torch.clamp(y, min=eps)) - x)).sum(-1), reduction)


def jsd(x, target, beta):
    q, p = x.exp(), target.exp()
    m = beta * p + (1 - beta) * q
    per_row = beta * F.kl_div(m.log(), p, reduction="none").sum(-1) + (1 - beta) * F.kl_div(m.log(), q, reduction="none").sum(-1)
    return per_row.mean()


def tvd(p, q, reduction):
    return _reduce_rows(0.5 * (p - q).abs().sum(-1), reduction)


def sparsemax(x, dim):
    z = x.transpose(dim, -1)
    zs, _ = torch.sort(z, dim=-1, descending=True)
    k = torch.arange(1, z.shape[-1] + 1, dtype=z.dtype)
    cums = zs.cumsum(-1)
    support = 1 + k * zs > cums
    ksz = support.sum(-1, keepdim=True)
    tau = (cums.gather(-1, ksz - 1) - 1) / ksz
    return torch.clamp(z - tau, min=0).transpose(dim, -1)


def rope(q, cos, sin):
    half = q.shape[-1] // 2
    rotated = torch.cat([-q[..., half:], q[..., :half]], dim=-1)
    return q * cos + rotated * sin
