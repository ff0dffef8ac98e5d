"""tritonlift: lift Triton kernels to verified mathematical formulas."""

__version__ = "0.1.0"
