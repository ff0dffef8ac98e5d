import os

# Differential tests run kernels under the Triton interpreter; triton reads this when a kernel
# module is imported (@triton.jit), so it is set before any test module can import one.
os.environ.setdefault("TRITON_INTERPRET", "1")
