"""lerp(x, y, w) = x + w * (y - x), written like the rank-1 kernels FlagGems' pointwise_dynamic
code generator emits: a scalar `@triton.jit` function, a wrapper kernel with per-operand strides,
`num_tasks`, `tiles_per_cta` and a `one_tile_per_cta` constexpr; with several tiles per program
the kernel walks them with a stride of `tile_size * num_ctas` (a grid-stride loop). The host
takes tile_size = min(512, next_pow2(N)) and at most max_grid programs (the code generator's
max_grid_size[0], 65535 by default)."""

import torch
import triton
import triton.language as tl


@triton.jit
def lerp_func(x, y, w):
    return x + w * (y - x)


@triton.jit
def lerp_func_kernel_rank_1(
    in0_ptr: tl.tensor,
    in1_ptr: tl.tensor,
    in2_ptr: tl.tensor,
    out0_ptr: tl.tensor,
    in0_stride0: int,
    in1_stride0: int,
    in2_stride0: int,
    out0_stride0: int,
    s0: int,
    num_tasks: int,
    tiles_per_cta: int,
    tile_size: tl.constexpr,
    one_tile_per_cta: tl.constexpr,
):
    pid = tl.program_id(0)
    num_ctas = tl.num_programs(0)
    init_tid = pid * tile_size + tl.arange(0, tile_size)
    if one_tile_per_cta:
        # one tile per program
        tid = init_tid
        mask = tid < num_tasks
        i0 = tid
        in0 = tl.load(in0_ptr + i0 * in0_stride0, mask=mask).to(in0_ptr.type.element_ty)
        in1 = tl.load(in1_ptr + i0 * in1_stride0, mask=mask).to(in1_ptr.type.element_ty)
        in2 = tl.load(in2_ptr + i0 * in2_stride0, mask=mask).to(in2_ptr.type.element_ty)

        out0 = lerp_func(in0, in1, in2)
        tl.store(out0_ptr + i0 * out0_stride0, out0.to(out0_ptr.type.element_ty), mask=mask)
    else:
        # several tiles per program, num_ctas tiles apart
        for j in range(0, tiles_per_cta):
            tid = init_tid + j * tile_size * num_ctas
            mask = tid < num_tasks
            i0 = tid
            in0 = tl.load(in0_ptr + i0 * in0_stride0, mask=mask).to(in0_ptr.type.element_ty)
            in1 = tl.load(in1_ptr + i0 * in1_stride0, mask=mask).to(in1_ptr.type.element_ty)
            in2 = tl.load(in2_ptr + i0 * in2_stride0, mask=mask).to(in2_ptr.type.element_ty)
            out0 = lerp_func(in0, in1, in2)
            tl.store(out0_ptr + i0 * out0_stride0, out0.to(out0_ptr.type.element_ty), mask=mask)


def lerp_wrapper_rank_1(in0, in1, in2, out0, max_grid=65535, max_tile=512):
    shape = out0.shape
    num_tasks = out0.numel()
    tile_size = min(max_tile, triton.next_power_of_2(num_tasks))
    num_tiles = triton.cdiv(num_tasks, tile_size)
    num_ctas = min(max_grid, num_tiles)
    tiles_per_cta = triton.cdiv(num_tiles, num_ctas)
    one_tile_per_cta = tiles_per_cta == 1
    lerp_func_kernel_rank_1[(num_ctas, 1, 1)](
        in0, in1, in2, out0,
        in0.stride(0), in1.stride(0), in2.stride(0), out0.stride(0),
        shape[0], num_tasks,
        tiles_per_cta=tiles_per_cta, tile_size=tile_size, one_tile_per_cta=one_tile_per_cta,
    )
    return out0


def lerp(x, y, w):
    return lerp_wrapper_rank_1(x, y, w, torch.empty_like(x))
