"""User files are read safely: non-regular files refused without opening them, encodings honoured
as Python does, undecodable bytes located."""

import os
import textwrap

import pytest

from tritonlift.errors import KernelSourceError, SpecError
from tritonlift.frontend.launch import load_launch
from tritonlift.frontend.source import SourceIndex


def test_a_fifo_launch_spec_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "spec.toml"
    os.mkfifo(fifo)
    with pytest.raises(SpecError, match="a FIFO"):
        load_launch(fifo)  # opening it would block until a writer appears


def test_a_fifo_kernel_is_refused(tmp_path):
    fifo = tmp_path / "k.py"
    os.mkfifo(fifo)
    with pytest.raises(KernelSourceError, match="a FIFO"):
        SourceIndex().load_path(fifo)


@pytest.mark.parametrize("what", ["dir", "device"])
def test_directories_and_devices(tmp_path, what):
    path = tmp_path if what == "dir" else "/dev/null"
    with pytest.raises(SpecError, match="directory" if what == "dir" else "device"):
        load_launch(path)


def test_non_utf8_launch_spec_is_located(tmp_path):
    p = tmp_path / "s.toml"
    p.write_bytes(b'kernel = "k.py::f"\nop = "caf\xe9"\n')
    with pytest.raises(SpecError) as e:
        load_launch(p)
    assert "not valid UTF-8" in e.value.message and (e.value.loc.line, e.value.loc.col) == (2, 10)


def test_a_kernel_is_read_with_its_declared_encoding(tmp_path):
    p = tmp_path / "k.py"
    p.write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\ndef f(x):\n    return x\n")
    mod = SourceIndex().load_path(p)
    assert "café" in mod.text and "f" in mod.bindings


@pytest.mark.parametrize("data, message, line", [
    (b"def f(x):\n    return x  # caf\xe9\n", "not valid utf-8", 2),
    (b"# -*- coding: klingon -*-\n", "bad encoding declaration", 1),
    (b"def f(x):\n    return\x00 x\n", "null byte", 2),
    (b"\x89PNG\r\n\x1a\n", "not valid utf-8", 1),
    (textwrap.dedent("def f(x:\n    return x\n").encode(), "syntax error", 1),
])
def test_bad_kernel_files_are_located(tmp_path, data, message, line):
    p = tmp_path / "k.py"
    p.write_bytes(data)
    with pytest.raises(KernelSourceError) as e:
        SourceIndex().load_path(p)
    assert message in e.value.message and e.value.loc.line == line
