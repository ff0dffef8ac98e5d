"""Column reduction of a norm backward (apex/Megatron flavour): dw[j] = sum_i dy[i, j] * xhat[i, j]
and db[j] = sum_i dy[i, j]. A 2-D accumulator over row blocks, reduced over axis 0 at the end;
the grid runs over column blocks."""

import triton
import triton.language as tl


@triton.jit
def _layer_norm_bwd_dwdb(DY, XHAT, DW, DB, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    pid = tl.program_id(0)
    cols = pid * BLOCK_N + tl.arange(0, BLOCK_N)
    dw = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    db = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for i in range(0, M, BLOCK_M):
        rows = i + tl.arange(0, BLOCK_M)
        mask = (rows[:, None] < M) & (cols[None, :] < N)
        offs = rows[:, None] * N + cols[None, :]
        dy = tl.load(DY + offs, mask=mask, other=0.0)
        xhat = tl.load(XHAT + offs, mask=mask, other=0.0)
        dw += dy * xhat
        db += dy
    sum_dw = tl.sum(dw, axis=0)
    sum_db = tl.sum(db, axis=0)
    tl.store(DW + cols, sum_dw, mask=cols < N)
    tl.store(DB + cols, sum_db, mask=cols < N)
