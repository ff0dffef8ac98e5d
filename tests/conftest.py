import os

# Differential tests run kernels under the Triton interpreter; triton reads this when a kernel
# module is imported (@triton.jit), so it is set before any test module can import one.
os.environ.setdefault("TRITON_INTERPRET", "1")


def pytest_addoption(parser):
    # Golden files (tests/golden/*.txt) pin printed results; `--overwrite` rewrites them from the
    # current output instead of comparing (review the diff, then commit it).
    parser.addoption("--overwrite", action="store_true", default=False,
                     help="rewrite the golden files from the current output instead of comparing")
    parser.addoption("--slow", action="store_true", default=False,
                     help="also run the tests marked slow (tests/golden/test_check_printed.py)")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    import pytest

    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
