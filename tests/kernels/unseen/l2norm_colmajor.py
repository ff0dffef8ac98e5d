"""Row-wise L2 normalisation with F.normalize semantics, y = x / max(||x||_2, eps), reading a
column-major input through explicit (row, column) strides."""

import triton
import triton.language as tl


@triton.jit
def l2_normalize_rows_kernel(x_ptr, y_ptr, stride_xr, stride_xc, stride_yr, stride_yc, D, eps,
                             BD: tl.constexpr):
    i_r = tl.program_id(0)
    o_d = tl.arange(0, BD)
    m_d = o_d < D
    b_x = tl.load(x_ptr + i_r * stride_xr + o_d * stride_xc, mask=m_d, other=0.0).to(tl.float32)
    b_norm = tl.sqrt(tl.sum(b_x * b_x, axis=0))
    b_y = b_x / tl.maximum(b_norm, eps)
    tl.store(y_ptr + i_r * stride_yr + o_d * stride_yc, b_y, mask=m_d)
