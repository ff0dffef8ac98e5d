"""ADVERSARIAL (size/pid/iteration thresholds): a split-K GEMV storing each split's partial sum with tl.store: correct only while SPLIT_K = cdiv(K, 64) is 1"""

import triton
import triton.language as tl


@triton.jit
def gemv_splitk_kernel(a_ptr, v_ptr, y_ptr, k_size, CHUNK: tl.constexpr, BLOCK: tl.constexpr):
    row = tl.program_id(0)
    split = tl.program_id(1)
    acc = tl.zeros([BLOCK], dtype=tl.float32)
    for start in range(0, CHUNK, BLOCK):
        ks = split * CHUNK + start + tl.arange(0, BLOCK)
        mask = ks < k_size
        a = tl.load(a_ptr + row * k_size + ks, mask=mask, other=0.0)
        v = tl.load(v_ptr + ks, mask=mask, other=0.0)
        acc += a * v
    tl.store(y_ptr + row, tl.sum(acc, 0))
