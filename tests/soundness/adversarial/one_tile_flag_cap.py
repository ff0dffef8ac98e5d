"""ADVERSARIAL (block-size dependence): FlagGems-style one_tile_per_cta = true with NUM_CTAS = min(8, tiles) and no constraint tying N to the cap: tiles past 8 are never processed"""

import triton
import triton.language as tl


@triton.jit
def relu_kernel(x_ptr, y_ptr, n, tiles_per_cta, TILE: tl.constexpr, ONE_TILE: tl.constexpr):
    pid = tl.program_id(0)
    if ONE_TILE:
        offs = pid * TILE + tl.arange(0, TILE)
        mask = offs < n
        x = tl.load(x_ptr + offs, mask=mask, other=0.0)
        tl.store(y_ptr + offs, tl.maximum(x, 0.0), mask=mask)
    else:
        for j in range(0, tiles_per_cta):
            offs = (pid + j * tl.num_programs(0)) * TILE + tl.arange(0, TILE)
            mask = offs < n
            x = tl.load(x_ptr + offs, mask=mask, other=0.0)
            tl.store(y_ptr + offs, tl.maximum(x, 0.0), mask=mask)
