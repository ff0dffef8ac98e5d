"""The malformed-input cases, generated from the well-formed fixtures (fixtures.py) by mutation.

Each case is a command line run in a directory holding the fixture files (some replaced or
added), with what must come out: the documented exit code, and a diagnostic on stderr whose first
line is located (`file:line:col`, a file and a key, or, for a usage error, the flag). Expected
lines are computed from the mutated text (or from Python's and tomllib's own parsers for syntax
errors), never copied from the tool's output.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass

from .fixtures import FILES, FN_TOML, ROW_PY, ROW_TOML, SCALE_PY, SCALE_TOML, TWO_TOML

OK, BUG, INPUT, NOT_PROVED, UNSUPPORTED = 0, 1, 2, 3, 4
FIFO = b"\0FIFO"  # marker: create a named pipe instead of a file

FORMULAS = {"k.toml": "y[i] = x[i] * 2 + 1", "row.toml": "y[i, j] = x[i, j]", "two.toml": "out = sum(k, 0, N, x[k])",
            "fn.toml": "out[i] = x[i] + y[i] * alpha"}


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    argv: tuple[str, ...]
    code: int
    where: str | None  # the file the diagnostic names (basename or "<formula>"); None: a usage error
    line: int | None = None  # None: the file (and key) only
    col: int | None = None
    text: str = ""  # must appear in the diagnostic's first line
    files: tuple[tuple[str, bytes], ...] = ()  # added or replaced files (FIFO: a named pipe)
    subprocess: bool = False  # run as `python -m tritonlift.cli` (end to end) instead of in-process


def line_of(text: str, needle: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in the text")


def command(cmd: str, spec: str) -> tuple[str, ...]:
    if cmd == "check":
        return ("check", "--launch", spec, "--formula", FORMULAS[spec])
    if cmd == "spec" and spec == "row.toml":
        return ("spec", "--launch", spec)
    return (cmd, "--launch", spec)


CMDS = ("spec", "lift", "check")


def spec_case(cat: str, ident: str, spec: str, text: str, needle: str | None, code: int = INPUT, msg: str = "",
              k: int = 0, col: int | None = None) -> Case:
    """The spec file replaced by `text`, the diagnostic at the line holding `needle`."""
    cmd = CMDS[k % 3]
    line = line_of(text, needle) if needle is not None else None
    return Case(f"{ident}-{cmd}", cat, command(cmd, spec), code, spec, line, col, msg, ((spec, text.encode()),))


# -- 1. paths ----------------------------------------------------------------------------------------

def paths() -> list[Case]:
    out = []
    for cmd in CMDS:
        out.append(Case(f"missing-launch-{cmd}", "paths", command(cmd, "k.toml")[:2] + ("nope.toml",)
                        + command(cmd, "k.toml")[3:], INPUT, "nope.toml", text="cannot read launch spec"))
        out.append(Case(f"dir-launch-{cmd}", "paths", command(cmd, "k.toml")[:2] + ("sub",) + command(cmd, "k.toml")[3:],
                        INPUT, "sub", text="directory", files=(("sub/x.txt", b""),)))
        out.append(Case(f"device-launch-{cmd}", "paths", command(cmd, "k.toml")[:2] + ("/dev/null",)
                        + command(cmd, "k.toml")[3:], INPUT, "null", text="a device"))
        out.append(Case(f"fifo-launch-{cmd}", "paths", command(cmd, "k.toml")[:2] + ("p.toml",)
                        + command(cmd, "k.toml")[3:], INPUT, "p.toml", text="a FIFO", files=(("p.toml", FIFO),)))
    refs = {
        "missing-file": ("missing.py::scale", "kernel file not found"),
        "dir-file": ("sub::scale", "directory"),
        "device-file": ("/dev/null::scale", "a device"),
        "fifo-file": ("fifo.py::scale", "a FIFO"),
        "no-function": ("k.py::nope", "no function 'nope'"),
        "typo-function": ("k.py::scal", "did you mean 'scale'"),
        "empty-name": ("k.py::", "bad kernel name"),
        "bad-name": ("k.py::1abc", "bad kernel name"),
        "no-separator": ("k.py", "bad kernel reference"),
        "no-module": ("nosuch_pkg_xyz.mod:f", "module 'nosuch_pkg_xyz.mod' not found"),
        "double-sep": ("k.py::scale::x", "kernel file not found"),
        "empty-file-part": ("::scale", ""),
        "toml-as-kernel": ("k.toml::scale", "no function 'scale'"),
    }
    extra = (("sub/x.txt", b""), ("fifo.py", FIFO))
    for k, (name, (ref, msg)) in enumerate(refs.items()):
        for cmd in ("spec", "lift"):  # the kernel given on the command line: located at the spec's kernel key
            where, line = ("k.toml", 1)
            if name == "toml-as-kernel":
                where, line = "k.toml", 1
            out.append(Case(f"cli-kernel-{name}-{cmd}", "paths", (cmd, ref, "--launch", "k.toml"), INPUT, where, line,
                            text=msg, files=extra))
        text = SCALE_TOML.replace('kernel = "k.py::scale"', f'kernel = "{ref}"')
        out.append(Case(f"spec-kernel-{name}", "paths", command(CMDS[k % 3], "k.toml"), INPUT, "k.toml", 1,
                        text=msg, files=extra + (("k.toml", text.encode()),)))
    return out


# -- 2. kernel files that are not (valid) Python source ----------------------------------------------

def _bad_line(data: bytes) -> int:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return data.count(b"\n", 0, e.start) + 1
    raise AssertionError("decodes")


def kernel_files() -> list[Case]:
    out = []
    lines = SCALE_PY.encode().split(b"\n")
    for n in range(1, 11):  # an undecodable byte on each line
        data = b"\n".join(lines[: n - 1] + [lines[n - 1] + b"\xff"] + lines[n:])
        out.append(Case(f"non-utf8-line{n}", "kernel files", command(CMDS[n % 2], "k.toml"), INPUT, "k.py", n,
                        text="not valid utf-8", files=(("k.py", data),)))
    for n in (1, 4, 6, 9, 10):  # a null byte
        data = b"\n".join(lines[: n - 1] + [lines[n - 1] + b"\x00"] + lines[n:])
        out.append(Case(f"null-byte-line{n}", "kernel files", command(CMDS[n % 2], "k.toml"), INPUT, "k.py", n,
                        text="null byte", files=(("k.py", data),)))
    blobs = {"png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "gzip": b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
             "utf16": "def scale():\n    pass\n".encode("utf-16"), "latin1-undeclared": "# café\n".encode("latin-1")}
    rng = random.Random(12)
    for s in range(6):
        blobs[f"random{s}"] = bytes(rng.randrange(128, 256) for _ in range(64)) + b"\n" + bytes(rng.randrange(256) for _ in range(64))
    for name, data in blobs.items():
        out.append(Case(f"binary-{name}", "kernel files", command("spec", "k.toml"), INPUT, "k.py", _bad_line(data),
                        text="not valid utf-8", files=(("k.py", data),)))
    out.append(Case("bad-cookie", "kernel files", command("lift", "k.toml"), INPUT, "k.py", 1,
                    text="bad encoding declaration", files=(("k.py", b"# -*- coding: klingon -*-\n" + SCALE_PY.encode()),)))
    out.append(Case("bad-cookie-line2", "kernel files", command("spec", "k.toml"), INPUT, "k.py", 2,
                    text="bad encoding declaration", files=(("k.py", b"#!/usr/bin/env python\n# coding: nope\n"),)))
    out.append(Case("cookie-mismatch", "kernel files", command("spec", "k.toml"), INPUT, "k.py", 2,
                    text="not valid ascii", files=(("k.py", b"# coding: ascii\n# caf\xc3\xa9\n" + SCALE_PY.encode()),)))
    texts = {
        "toml": SCALE_TOML, "json": '{"kernel": "k.py::scale", "grid": [1]}\n', "c": "int main(void) { return 0; }\n",
        "markdown": "# Kernels\n\nSome *text* here.\n", "shell": "#!/bin/sh\nset -e\nfor f in *; do echo $f; done\n",
        "yaml": "kernel: k.py::scale\ngrid:\n  - 1\n", "html": "<html><body>kernel</body></html>\n",
    }
    for name, text in texts.items():
        try:
            compile(text, "k.py", "exec")
            where, line, msg = "k.toml", 1, "no function 'scale'"
        except SyntaxError as e:
            where, line, msg = "k.py", e.lineno, "syntax error"
        out.append(Case(f"not-python-{name}", "kernel files", command(CMDS[len(name) % 3], "k.toml"), INPUT, where, line,
                        text=msg, files=(("k.py", text.encode()),)))
    out.append(Case("empty-kernel-file", "kernel files", command("spec", "k.toml"), INPUT, "k.toml", 1,
                    text="no function 'scale'", files=(("k.py", b""),)))
    return out


# -- 3. syntax errors -----------------------------------------------------------------------------------

MUTATIONS = {
    "drop-last": lambda s: s.rstrip()[:-1],
    "dollar": lambda s: s + " $",
    "open-paren": lambda s: s.replace("(", "((", 1) if "(" in s else s + " (",
    "dedent": lambda s: s.lstrip() if s.startswith(" ") else "  " + s,
    "quote": lambda s: s + ' "oops',
    "colon": lambda s: s + ":",
}


def syntax_errors() -> list[Case]:
    out = []
    for fname, source, first in (("k.py", SCALE_PY, 5), ("row.py", ROW_PY, 5)):
        spec = "k.toml" if fname == "k.py" else "row.toml"
        lines = source.split("\n")
        for n in range(first, len(lines)):
            if not lines[n - 1].strip():
                continue
            for mname, mutate in MUTATIONS.items():
                text = "\n".join(lines[: n - 1] + [mutate(lines[n - 1])] + lines[n:])
                try:
                    compile(text, fname, "exec")
                    continue  # still Python: not a syntax error
                except SyntaxError as e:
                    line = e.lineno
                if fname == "row.py" and mname in ("quote", "colon"):
                    continue
                out.append(Case(f"{fname}-line{n}-{mname}", "syntax errors", command(CMDS[(n + len(mname)) % 3], spec),
                                INPUT, fname, line, text="syntax error", files=((fname, text.encode()),)))
    return out


# -- 4. unsupported constructs and kernel bugs ---------------------------------------------------------

CONSTRUCTS = {
    # name: (statements inserted before the store, exit code, message)
    "with": ("with open('f') as f:\n        pass", UNSUPPORTED, "statement 'With'"),
    "try": ("try:\n        pass\n    except Exception:\n        pass", UNSUPPORTED, "statement 'Try'"),
    "lambda": ("f = lambda v: v", UNSUPPORTED, "Lambda"),
    "global": ("global zz", UNSUPPORTED, "Global"),
    "import": ("import math", UNSUPPORTED, "Import"),
    "class": ("class C:\n        pass", UNSUPPORTED, "ClassDef"),
    "listcomp": ("ys = [v for v in range(3)]", UNSUPPORTED, "ListComp"),
    "dict": ("d = {1: 2}", UNSUPPORTED, "Dict"),
    "set": ("d = {1, 2}", UNSUPPORTED, "Set"),
    "raise": ("raise ValueError('no')", UNSUPPORTED, "Raise"),
    "delete": ("del mask", UNSUPPORTED, "Delete"),
    "yield": ("yield x", UNSUPPORTED, "Yield"),
    "data-while": ("while x > 0:\n        x = x - 1.0", BUG, "truth value of a tile"),
    "for-over-tile": ("for v in x:\n        pass", UNSUPPORTED, "for loops must iterate"),
    "unknown-tl": ("x = tl.frobnicate(x)", UNSUPPORTED, "frobnicate"),
    "numpy": ("import numpy as np", UNSUPPORTED, "Import"),
    "while-true": ("while True:\n        x = x + 1.0", BUG, "never ends"),
    "while-1": ("while 1:\n        x = x + 1.0", BUG, "never ends"),
    "unrolled-1e5": ("for i in range(100000):\n        x = x + 1.0", UNSUPPORTED, "unrolled loop iterations"),
    "static-range-1e6": ("for i in tl.static_range(1000000):\n        x = x + 1.0", UNSUPPORTED,
                         "unrolled loop iterations"),
    "nested-1e3x1e3": ("for i in range(1000):\n        for j in range(1000):\n            x = x + 1.0", UNSUPPORTED,
                       "unrolled loop iterations"),
    "huge-arange": ("z = tl.arange(0, 1048576)", UNSUPPORTED, "lanes per tile"),
    "huge-zeros": ("z = tl.zeros((4096, 4096), dtype=tl.float32)", UNSUPPORTED, "lanes per tile"),
    "str-add": ("x = x + 'a'", BUG, "execution error"),
    "static-assert": ("tl.static_assert(BLOCK < 2)", BUG, "static_assert"),
}


def constructs() -> list[Case]:
    out = []
    lines = SCALE_PY.split("\n")
    store = line_of(SCALE_PY, "tl.store(")
    for name, (stmt, code, msg) in CONSTRUCTS.items():
        inserted = "    " + stmt  # the first line is indented here; continuation lines carry their own
        text = "\n".join(lines[: store - 1] + [inserted] + lines[store - 1:])
        for cmd in ("spec", "lift"):
            out.append(Case(f"{name}-{cmd}", "unsupported constructs", command(cmd, "k.toml"), code, "k.py", store,
                            text=msg, files=(("k.py", text.encode()),)))
    # kernel signatures and calls the executor refuses
    rec = SCALE_PY.replace("x * 2.0 + 1.0", "helper(x)") + "\n\n@triton.jit\ndef helper(v):\n    return helper(v)\n"
    sigs = {
        "varargs": (SCALE_PY.replace("BLOCK: tl.constexpr)", "BLOCK: tl.constexpr, *rest)"), BUG, "*args"),
        "kwargs": (SCALE_PY.replace("BLOCK: tl.constexpr)", "BLOCK: tl.constexpr, **kw)"), BUG, "**kwargs"),
        "recursion": (rec, UNSUPPORTED, "recursion"),
    }
    for name, (text, code, msg) in sigs.items():
        line = line_of(text, "def scale") if name != "recursion" else line_of(text, "def helper")
        for cmd in ("spec", "lift"):
            out.append(Case(f"{name}-{cmd}", "unsupported constructs", command(cmd, "k.toml"), code, "k.py", line,
                            text=msg, files=(("k.py", text.encode()),)))
    return out


# -- 5. wrong TOML types --------------------------------------------------------------------------------

WRONG = {"int": "7", "float": "1.5", "bool": "true", "str": '"text"', "list": "[1, 2]", "table": "{ a = 1 }"}
ACCEPTS = {  # key (line prefix) -> the kinds of value it accepts
    "op": {"str"}, "kernel": {"str"}, "grid": {"list"}, "samples": set(), "M": {"str"}, "N": {"str"},
    "eps": {"str"}, "x": {"str"}, "y": {"str"}, "BLOCK": {"str", "int"},
}


def wrong_types() -> list[Case]:
    out = []
    k = 0
    section = ""
    for line in ROW_TOML.splitlines():
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if "=" not in line:
            continue
        key = line.split("=", 1)[0].strip()
        if section == "args":  # any TOML type is some argument form: only an unknown table form is wrong
            k += 1
            text = ROW_TOML.replace(line, f"{key} = {{ a = 1 }}", 1)
            out.append(spec_case("wrong types", f"arg-{key}-table", "row.toml", text, f"{key} = {{ a = 1 }}", k=k,
                                 msg="unknown key 'a'"))
            continue
        if key not in ACCEPTS:
            continue
        for kind, value in WRONG.items():
            if kind in ACCEPTS[key]:
                continue
            text = ROW_TOML.replace(line, f"{key} = {value}", 1)
            k += 1
            msg = "unknown key 'a'" if kind == "table" and key in ("x", "y") else "expected"
            out.append(spec_case("wrong types", f"{section or 'top'}-{key}-{kind}", "row.toml", text,
                                 f"{key} = {value}", k=k, msg=msg))
    w = 'w = { dir = "in", dtype = "f32", shape = ["N"] }'
    fields = {
        "dir-int": 'w = { dir = 7, dtype = "f32", shape = ["N"] }',
        "dir-bool": 'w = { dir = true, dtype = "f32", shape = ["N"] }',
        "dir-word": 'w = { dir = "up", dtype = "f32", shape = ["N"] }',
        "dtype-int": 'w = { dir = "in", dtype = 7, shape = ["N"] }',
        "dtype-unknown": 'w = { dir = "in", dtype = "q32", shape = ["N"] }',
        "shape-str": 'w = { dir = "in", dtype = "f32", shape = "N" }',
        "shape-int": 'w = { dir = "in", dtype = "f32", shape = 7 }',
        "shape-float-item": 'w = { dir = "in", dtype = "f32", shape = [1.5] }',
        "shape-bool-item": 'w = { dir = "in", dtype = "f32", shape = [true] }',
        "strides-str": 'w = { dir = "in", dtype = "f32", shape = ["N"], strides = "1" }',
        "strides-rank": 'w = { dir = "in", dtype = "f32", shape = ["N"], strides = ["1", "1"] }',
        "range-short": 'w = { dir = "in", dtype = "f32", shape = ["N"], range = [1] }',
        "range-str": 'w = { dir = "in", dtype = "f32", shape = ["N"], range = "0..3" }',
        "init-str": 'w = { dir = "in", dtype = "f32", shape = ["N"], init = "zero" }',
        "init-bool": 'w = { dir = "in", dtype = "f32", shape = ["N"], init = true }',
        "no-dir": 'w = { dtype = "f32", shape = ["N"] }',
        "no-dtype": 'w = { dir = "in", shape = ["N"] }',
    }
    for name, new in fields.items():
        k += 1
        out.append(spec_case("wrong types", f"tensor-{name}", "row.toml", ROW_TOML.replace(w, new), "w = {", k=k))
    fn = {
        "elementwise-str": FN_TOML.replace("elementwise = true", 'elementwise = "no"'),
        "elementwise-int": FN_TOML.replace("elementwise = true", "elementwise = 1"),
        "outputs-str": 'outputs = "out"\n' + FN_TOML.replace('[outputs]\nvalues = ["out"]', ""),
        "outputs-values-str": FN_TOML.replace('values = ["out"]', 'values = "out"'),
        "outputs-values-int": FN_TOML.replace('values = ["out"]', "values = [1]"),
    }
    for name, text in fn.items():
        needle = {"elementwise-str": "elementwise", "elementwise-int": "elementwise", "outputs-str": "outputs ="}.get(
            name, "values =")
        k += 1
        out.append(spec_case("wrong types", name, "fn.toml", text, needle, k=k))
    two = {
        "launch-grid-str": ('grid = ["MID"]', 'grid = "MID"', 'grid = "MID"'),
        "launch-args-str": ('args = { mid_ptr', 'args = "mid" }\nx = { mid_ptr', 'args = "mid"'),
        "launch-kernel-int": ('kernel = "two.py::total"', "kernel = 3", "kernel = 3"),
        "launch-elementwise-str": ('kernel = "two.py::total"', 'kernel = "two.py::total"\nelementwise = "no"',
                                   'elementwise = "no"'),
        "launch-not-array": ("[[launch]]\nkernel = \"two.py::total\"", "[launch]\nkernel = \"two.py::total\"", None),
    }
    for name, (old, new, needle) in two.items():
        text = TWO_TOML.replace(old, new, 1)
        k += 1
        if needle is None:
            try:
                tomllib.loads(text)
                line = None
            except tomllib.TOMLDecodeError as e:
                line = int(str(e).split("line ")[1].split(",")[0])
            out.append(Case(f"{name}", "wrong types", command("spec", "two.toml"), INPUT, "two.toml", line,
                            files=(("two.toml", text.encode()),)))
            continue
        if name == "launch-args-str":
            continue
        out.append(spec_case("wrong types", name, "two.toml", text, needle, k=k))
    others = {
        "constraints-str": (SCALE_TOML.replace("[sizes]", 'constraints = "N > 1"\n[sizes]'), "constraints"),
        "samples-str-value": (SCALE_TOML.replace("[sizes]", 'samples = [{ N = "3" }]\n[sizes]'), "samples"),
        "samples-float": (SCALE_TOML.replace("[sizes]", "samples = [{ N = 2.5 }]\n[sizes]"), "samples"),
        "samples-unknown-size": (SCALE_TOML.replace("[sizes]", "samples = [{ Q = 2 }]\n[sizes]"), "samples"),
        "sizes-int": (SCALE_TOML.replace('[sizes]\nN = ""', "sizes = 3"), "sizes"),
        "sizes-value-list-int": (SCALE_TOML.replace('N = ""', "N = [1, 2]"), "N = [1"),
        "let-float": (SCALE_TOML.replace("[args]", '[let]\nL = 1.5\n[args]'), "L = 1.5"),
        "id-list": (SCALE_TOML.replace('kernel =', 'id = [1]\nkernel ='), "id = [1]"),
        "description-int": (SCALE_TOML.replace('kernel =', 'description = 3\nkernel ='), "description"),
        "args-not-table": (SCALE_TOML.replace('[args]\nx_ptr = "x"\ny_ptr = "y"\nn = "N"\nBLOCK = 4', 'args = "x"'),
                           "args ="),
        "tensors-list": (SCALE_TOML.replace('[tensors]\nx = "in f32[N]"\ny = "out f32[N]"', 'tensors = ["x"]'),
                         "tensors ="),
    }
    for name, (text, needle) in others.items():
        k += 1
        out.append(spec_case("wrong types", name, "k.toml", text, needle, k=k))
    return out


# -- 6. unknown keys ------------------------------------------------------------------------------------

def unknown_keys() -> list[Case]:
    out = []
    top = {"opp": 'opp = "x"', "kernal": 'kernal = "k.py::scale"', "Grid": 'Grid = [1]', "size": 'size = "N"',
           "tensor": 'tensor = "x"', "launches": "launches = []"}
    for k, (name, line) in enumerate(top.items()):
        text = line + "\n" + SCALE_TOML
        out.append(spec_case("unknown keys", f"top-{name}", "k.toml", text, line, k=k, msg=f"unknown key '{name}'"))
    for k, (old, new, key) in enumerate([
        ('grid = ["MID"]', 'grd = ["MID"]', "grd"), ('grid = [1]', 'grid = [1]\nargz = {}', "argz"),
        ('kernel = "two.py::partial"', 'kernels = "two.py::partial"\nkernel = "two.py::partial"', "kernels"),
        ('grid = [1]', 'grid = [1]\nelementwize = false', "elementwize"),
    ]):
        text = TWO_TOML.replace(old, new, 1)
        out.append(spec_case("unknown keys", f"launch-{key}", "two.toml", text, f"{key} =", k=k, msg=f"unknown key '{key}'"))
    text = ROW_TOML.replace('shape = ["N"] }', 'shape = ["N"], color = "red" }')
    out.append(spec_case("unknown keys", "tensor-field", "row.toml", text, "color", msg="unknown key 'color'"))
    text = ROW_TOML.replace('w_ptr = "w"', 'w_ptr = { tensor = "w", offst = "1" }')
    out.append(spec_case("unknown keys", "arg-table-field", "row.toml", text, "offst", k=1, msg="unknown key 'offst'"))
    text = FN_TOML.replace('values = ["out"]', 'value = ["out"]')
    out.append(spec_case("unknown keys", "outputs-field", "fn.toml", text, "value =", k=2, msg="unknown key 'value'"))
    text = 'kernel = "two.py::partial"\n' + TWO_TOML
    out.append(spec_case("unknown keys", "kernel-and-launch", "two.toml", text, "[[launch]]", msg="not both"))
    text = SCALE_TOML + "extra = \"N\"\n"
    out.append(Case("unknown-parameter", "unknown keys", command("spec", "k.toml"), INPUT, "k.toml",
                    line_of(text, "extra"), 1, "unknown parameter 'extra'", (("k.toml", text.encode()),)))
    return out


# -- 7. typos in names ----------------------------------------------------------------------------------

def typos() -> list[Case]:
    out = []
    k = 0
    edits = [
        ('x_ptr = "x"', 'x_ptr = "xx"'), ('w_ptr = "w"', 'w_ptr = "ww"'), ('y_ptr = "y"', 'y_ptr = "Y"'),
        ('stride = "N"', 'stride = "Nn"'), ('n_cols = "N"', 'n_cols = "NN"'), ('eps = "eps"', 'eps = "epsilon"'),
        ('BLOCK = "BLOCK"', 'BLOCK = "BLOK"'), ('BLOCK = "BLOCK"', 'BLOCK = "block"'),
        ('x = "in f32[M, N]"', 'x = "in f32[Mx, N]"'), ('y = "out f32[M, N]"', 'y = "out f32[M, n]"'),
        ('shape = ["N"]', 'shape = ["NN"]'), ('grid = ["M"]', 'grid = ["m"]'), ('grid = ["M"]', 'grid = ["MM"]'),
        ('BLOCK = "next_power_of_2(N)"', 'BLOCK = "next_power_of_2(Nx)"'), ('N = "N <= 64"', 'N = "Nn <= 64"'),
        ('eps = "eps > 0"', 'eps = "ep > 0"'), ('x_ptr = "x"', 'x_ptr = "x + Q"'),
        ('x = "in f32[M, N]"', 'x = "in f33[M, N]"'), ('x = "in f32[M, N]"', 'x = "inn f32[M, N]"'),
        ('x_ptr = "x"', 'x_ptr = { tensor = "xs" }'), ('eps = "eps"', 'eps = { real = "eta" }'),
        ('n_cols = "N"', 'n_cols = { int = "NCOLS" }'), ('BLOCK = "next_power_of_2(N)"', 'BLOCK = "next_pow2(N)"'),
        ('samples = [{ M = 2, N = 3 }, { M = 1, N = 5 }]', 'samples = [{ M = 2, Nn = 3 }]'),
        ('stride = "N"', 'stride = "N + BLOK"'), ('x_ptr = "x"', 'x_ptr = "w_ptr"'),
    ]
    for old, new in edits:
        text = ROW_TOML.replace(old, new, 1)
        key = new.split("=", 1)[0].strip()
        k += 1
        out.append(spec_case("typos", f"{key}-{new.split('=', 1)[1].strip()[:14]}", "row.toml", text, new, k=k))
    params = [('x_ptr = "x"', 'x_pt = "x"', "unknown parameter 'x_pt'"),
              ('n_cols = "N"', 'ncols = "N"', "unknown parameter 'ncols'"),
              ('eps = "eps"\n', "", "missing argument 'eps'")]
    for old, new, msg in params:
        text = ROW_TOML.replace(old, new, 1)
        needle = new if new else "[args]"
        k += 1
        out.append(spec_case("typos", f"param-{msg.split()[-1]}", "row.toml", text, needle, k=k, msg=msg))
    files = [("row.py::row_scal", "did you mean 'row_scale'"), ("rows.py::row_scale", "kernel file not found"),
             ("row.py::Row_scale", "did you mean 'row_scale'")]
    for ref, msg in files:
        text = ROW_TOML.replace('kernel = "row.py::row_scale"', f'kernel = "{ref}"')
        k += 1
        out.append(spec_case("typos", f"kernel-{ref}", "row.toml", text, "kernel =", k=k, msg=msg))
    for old, new in [('values = ["out"]', 'values = ["outt"]'), ('x = "x"', 'x = "xx"'), ('alpha = "alpha"', 'alpha = "alfa"')]:
        text = FN_TOML.replace(old, new, 1)
        k += 1
        out.append(spec_case("typos", f"fn-{new[:10]}", "fn.toml", text, new, k=k))
    for old, new in [('m = "MID"', 'm = "MDI"'), ('grid = ["MID"]', 'grid = ["MD"]'), ('MID = "cdiv(N, B)"', 'MID = "cdiv(N, BB)"')]:
        text = TWO_TOML.replace(old, new, 1)
        k += 1
        out.append(spec_case("typos", f"two-{new[:12]}", "two.toml", text, new, k=k))
    return out


# -- 8. cycles ----------------------------------------------------------------------------------------

def cycles() -> list[Case]:
    out = []
    for n in range(1, 6):  # a [let] cycle of n names
        names = [f"L{i}" for i in range(n)]
        lets = "\n".join(f'{a} = "{b} + 1"' for a, b in zip(names, names[1:] + names[:1], strict=True))
        text = SCALE_TOML.replace("[args]", f"[let]\n{lets}\n[args]")
        out.append(spec_case("cycles", f"let-cycle-{n}", "k.toml", text, 'L0 = "', k=n, msg="depends on itself"))
    text = SCALE_TOML.replace("[args]", '[let]\nA = "B"\nB = "C"\nC = "B"\n[args]')
    out.append(spec_case("cycles", "let-cycle-tail", "k.toml", text, 'B = "C"', msg="depends on itself"))
    for n in range(2, 5):  # arguments referring to each other in a circle
        names = [f"p{i}" for i in range(n)]
        args = "\n".join(f'{a} = "{b}"' for a, b in zip(names, names[1:] + names[:1], strict=True))
        text = SCALE_TOML.replace('n = "N"', f'n = "p0"\n{args}')
        out.append(spec_case("cycles", f"arg-cycle-{n}", "k.toml", text, 'p0 = "', k=n, msg="in a circle"))
    text = SCALE_TOML.replace('n = "N"', 'n = "n + 1"')  # itself is not in its scope
    out.append(spec_case("cycles", "arg-self", "k.toml", text, 'n = "n + 1"', msg="unknown name 'n'"))
    return out


# -- 9. division by zero ------------------------------------------------------------------------------

def division() -> list[Case]:
    out = []
    places = {
        "let": ("[args]", '[let]\nD = "{e}"\n[args]', 'D = "'),
        "shape": ('x = "in f32[N]"', 'x = "in f32[{e}]"', "x = "),
        "grid": ('grid = ["cdiv(N, 4)"]', 'grid = ["{e}"]', "grid"),
        "arg": ('n = "N"', 'n = "{e}"', "n = "),
        "constraint": ('N = ""', 'N = "{e} > 0"', "N = "),
    }
    exprs = ["N // 0", "N % 0", "cdiv(N, 0)", "N // (N - N)", "(N + 1) % (N * 0)"]
    k = 0
    for pname, (old, new, needle) in places.items():
        for e in exprs:
            text = SCALE_TOML.replace(old, new.replace("{e}", e), 1)
            k += 1
            out.append(spec_case("division by zero", f"{pname}-{e}", "k.toml", text, needle, k=k, msg="division by zero"))
    text = SCALE_TOML.replace('n = "N"', 'n = "N // (N - 1)"')
    out.append(Case("div-at-given-size", "division by zero", ("spec", "--launch", "k.toml", "--size", "N=1"), INPUT,
                    "k.toml", line_of(text, "n = "), text="division by zero", files=(("k.toml", text.encode()),)))
    return out


# -- 10. contradictory constraints -----------------------------------------------------------------------

def contradictions() -> list[Case]:
    out = []
    cs = ['N = ["N > 5", "N < 3"]', 'N = "N < 1"', 'N = "N != N"', 'N = "N % 2 == 0 and N % 2 == 1"',
          'N = "N > N"', 'N = "N >= 10000000"', 'N = ["N > 100", "N < 50"]', 'N = "N == 0"']
    for k, c in enumerate(cs):
        text = SCALE_TOML.replace('N = ""', c)
        out.append(spec_case("contradictions", c[4:30], "k.toml", text, c, k=k, msg="no sizes satisfy"))
    text = ROW_TOML.replace('M = ""', 'M = "M > N"').replace('N = "N <= 64"', 'N = "N > M"').replace(
        "samples = [{ M = 2, N = 3 }, { M = 1, N = 5 }]\n", "")
    out.append(spec_case("contradictions", "M>N>M", "row.toml", text, 'M = "M > N"', k=1, msg="no sizes satisfy"))
    text = SCALE_TOML.replace("[sizes]", 'constraints = ["N > 3", "N < 2"]\n[sizes]')
    out.append(spec_case("contradictions", "constraints-list", "k.toml", text, "constraints", k=2, msg="no sizes satisfy"))
    text = ROW_TOML.replace("samples = [{ M = 2, N = 3 }, { M = 1, N = 5 }]", "samples = [{ M = 2, N = 65 }]")
    for k in range(3):
        out.append(spec_case("contradictions", f"sample-violates-{k}", "row.toml", text, "samples", k=k,
                             msg="violates the constraint N <= 64"))
    out.append(Case("size-violates", "contradictions", ("spec", "--launch", "row.toml", "--size", "M=2,N=100"), INPUT,
                    "row.toml", line_of(ROW_TOML, 'N = "N'), text="violate the constraint N <= 64"))
    out.append(Case("size-zero", "contradictions", ("spec", "--launch", "k.toml", "--size", "N=0"), INPUT,
                    "k.toml", line_of(SCALE_TOML, 'N = ""'), text="must be >= 1"))
    out.append(Case("size-negative", "contradictions", ("spec", "--launch", "k.toml", "--size", "N=-3"), INPUT,
                    "k.toml", line_of(SCALE_TOML, 'N = ""'), text="must be >= 1"))
    return out


# -- 11. power towers and huge values in expressions --------------------------------------------------

def towers() -> list[Case]:
    out = []
    exprs = {"tower": "2**2**2**2**2**2", "googol": "10**100", "nine-tower": "9**9**9", "2pow64": "2**64",
             "mul-overflow": "4611686018427387904 * 4", "npo2": "next_power_of_2(2**62 + 1)",
             "neg-exp": "2 ** -1"}
    places = {
        "let": ("[args]", '[let]\nT = "{e}"\n[args]', 'T = "'),
        "shape": ('x = "in f32[N]"', 'x = "in f32[{e}]"', "x = "),
        "grid": ('grid = ["cdiv(N, 4)"]', 'grid = ["{e}"]', "grid"),
        "arg": ('n = "N"', 'n = "{e}"', "n = "),
    }
    k = 0
    for pname, (old, new, needle) in places.items():
        for ename, e in exprs.items():
            text = SCALE_TOML.replace(old, new.replace("{e}", e), 1)
            k += 1
            msg = "negative exponent" if ename == "neg-exp" else "out of range"
            out.append(spec_case("power towers", f"{pname}-{ename}", "k.toml", text, needle, k=k, msg=msg))
    shapes = {"parens-60": "(" * 60 + "N" + ")" * 60, "chain-100": "+".join(["N"] * 100), "long-3000": "1 + " * 750 + "N",
              "parens-100000": "(" * 100000 + "N" + ")" * 100000, "unary-500": "-" * 500 + "N"}
    for sname, e in shapes.items():
        text = SCALE_TOML.replace('n = "N"', f'n = "{e}"')
        k += 1
        out.append(spec_case("power towers", f"shape-{sname}", "k.toml", text, "n = ", k=k))
    return out


# -- 12. huge sizes, grids, blocks, loops --------------------------------------------------------------

def huge() -> list[Case]:
    out = []
    size_line = line_of(SCALE_TOML, 'N = ""')
    for v in ("5000000", "1048577", "99999999999999999999999", str(2**62)):
        out.append(Case(f"size-{v[:12]}", "huge", ("spec", "--launch", "k.toml", "--size", f"N={v}"), UNSUPPORTED,
                        "k.toml", size_line, text="past the bound"))
    out.append(Case("size-elements", "huge", ("spec", "--launch", "k.toml", "--size", "N=1000000"), UNSUPPORTED,
                    "k.toml", line_of(SCALE_TOML, "x = "), text="storage elements"))
    out.append(Case("size-digits", "huge", ("spec", "--launch", "k.toml", "--size", "N=" + "9" * 5000), INPUT, None,
                    text="--size"))
    text = SCALE_TOML.replace("[sizes]", "samples = [{ N = 5000000 }]\n[sizes]")
    for k in range(len(CMDS)):
        out.append(spec_case("huge", "sample", "k.toml", text, "samples", code=UNSUPPORTED, k=k, msg="past the bound"))
    grids = {"million": '["1000000"]', "N-million": '["N * 1000000"]', "cube": "[1000, 1000, 1000]",
             "three-dims": '["N", 100000, 1]'}
    for k, (name, g) in enumerate(grids.items()):
        text = SCALE_TOML.replace('grid = ["cdiv(N, 4)"]', f"grid = {g}")
        out.append(spec_case("huge", f"grid-{name}", "k.toml", text, "grid", code=UNSUPPORTED, k=k, msg="programs"))
    text = SCALE_TOML.replace('grid = ["cdiv(N, 4)"]', 'grid = ["N", "N", "N"]')
    out.append(Case("grid-at-size", "huge", ("spec", "--launch", "k.toml", "--size", "N=100"), UNSUPPORTED, "k.toml",
                    line_of(text, "grid"), text="programs", files=(("k.toml", text.encode()),)))
    for k, block in enumerate(("1048576", '"2**40"', "4096", '"2**30"')):
        text = SCALE_TOML.replace("BLOCK = 4", f"BLOCK = {block}")
        out.append(Case(f"block-{block.strip(chr(34))}-{CMDS[k % 3]}", "huge", command(CMDS[k % 3], "k.toml"), UNSUPPORTED,
                        "k.py", line_of(SCALE_PY, "tl.arange"), text="lanes per tile", files=(("k.toml", text.encode()),)))
    for k, shape in enumerate(("N, 1000000", "1000000, N", "N, N, N, N, N, N, N, N, N, N, N, N, N, N")):
        text = SCALE_TOML.replace('x = "in f32[N]"', f'x = "in f32[{shape}]"')
        if shape.count("N") > 3:
            out.append(Case("shape-N14", "huge", ("spec", "--launch", "k.toml", "--size", "N=3"), UNSUPPORTED,
                            "k.toml", line_of(text, "x = "), text="storage elements", files=(("k.toml", text.encode()),)))
            continue
        out.append(spec_case("huge", f"shape-{shape[:12]}", "k.toml", text, "x = ", code=UNSUPPORTED, k=k,
                             msg="storage elements"))
    text = SCALE_TOML.replace('x = "in f32[N]"', 'x = { dir = "in", dtype = "f32", shape = ["N"], strides = ["10000000"] }')
    out.append(spec_case("huge", "strides", "k.toml", text, "x = ", code=UNSUPPORTED, msg="storage elements"))
    slow = SCALE_PY.replace("    tl.store(", "    i = 0\n    while i < n:\n        i += 1\n    tl.store(")
    spec = SCALE_TOML.replace('n = "N"', "n = 100000000")
    for cmd, stage in (("spec", "symex"), ("lift", "symex"), ("check", "symex")):
        argv = (*command(cmd, "k.toml"), "--timeout", "1.5")
        out.append(Case(f"timeout-{cmd}", "huge", argv, NOT_PROVED, "k.toml", None, text=f"in stage {stage}",
                        files=(("k.py", slow.encode()), ("k.toml", spec.encode()))))
    return out


# -- 13. formulas ------------------------------------------------------------------------------------------

def formulas() -> list[Case]:
    out = []
    deep = {
        "parens-101": "(" * 101 + "x[i]" + ")" * 101, "parens-1000": "(" * 1000 + "x[i]" + ")" * 1000,
        "parens-100000": "(" * 100000 + "x[i]" + ")" * 100000, "neg-101": "-" * 101 + "x[i]",
        "neg-1000": "-" * 1000 + "x[i]", "neg-19000": "-" * 19000 + "x[i]", "not-500": "not " * 500 + "x[i]",
        "pow-101": "x[i]" + " ** x[i]" * 101, "pow-1000": "x[i]" + "**x[i]" * 1000, "caret-200": "x[i]" + "^x[i]" * 200,
        "plus-201": "+".join(["x[i]"] * 202), "plus-3000": "+".join(["x[i]"] * 3000),
        "mul-1500": "*".join(["x[i]"] * 1500), "minus-4000": "-".join(["x[i]"] * 4000),
        "exp-101": "exp(" * 101 + "x[i]" + ")" * 101, "exp-1000": "exp(" * 1000 + "x[i]" + ")" * 1000,
        "where-150": "where(x[i] > 0, " * 150 + "x[i]" + ", x[i])" * 150,
        "sum-101": "".join(f"sum(k{n}, 0, N, " for n in range(101)) + "x[i]" + ")" * 101,
        "sigma-150": "Σ_{k<N} " * 150 + "x[k]", "sigma-chain": " + ".join(["Σ_{k<N} x[k]"] * 300),
        "long-30000": "x[i] + " + "1 + " * 7500 + "1", "index-nest": "x[" * 200 + "i" + "]" * 200,
        "brackets-open": "(" * 50000, "abs-bars": "|" * 3000 + "x[i]" + "|" * 3000,
    }
    for name, rhs in deep.items():
        text = f"y[i] = {rhs}"
        out.append(Case(f"deep-{name}", "deep formulas", ("check", "--launch", "k.toml", "--formula", text), INPUT,
                        "<formula>", 1, text="formula error"))
    bad = {
        "unknown-function": ("y[i] = foo(x[i])", "unknown function 'foo'", 8),
        "unknown-call": ("y[i] = call('foo', x[i])", "unknown function 'foo'", None),
        "unknown-name": ("y[i] = x[i] * Q", "unknown name 'Q'", 15),
        "rank": ("y[i] = x[i, i]", "rank", 8),
        "lhs-rank": ("y[i, j] = x[i]", "rank", 3),
        "reads-output": ("y[i] = y[i]", "is an output", 8),
        "free-var": ("y[i] = x[j]", "'j' is not on the left", 10),
        "empty": ("", "empty", 1),
        "semicolons": (";;;", "empty", 1),
        "junk": ("y[i] = x[i] $ 2", "unexpected character", 13),
        "unbalanced": ("y[i] = exp(x[i]", "unexpected end", None),
        "nothing-right": ("y[i] = ", "nothing on the right", None),
        # (a `where` clause is valid input now: check reads lift's where lines, tests/test_check.py)
        "undef": ("y[i] = undef('a')", "undef", 8),
        "chained": ("y[i] = where(0 < x[i] < 1, 1, 0)", "chained comparison", None),
        "shadow": ("y[i] = sum(i, 0, N, x[i])", "shadows", None),
        "upper-index": ("y[I] = x[I]", "lowercase letter", None),
        "twice": ("y[i] = x[i]; y[i] = 0", "defined twice", 14),
        "not-output": ("x[i] = 1", "not an output", 1),
        "no-equation": ("y[i] x[i]", "expected `tensor[i, ...] = expression`", 1),
        "pi-call": ("y[i] = pi(x[i])", "formula error", None),
        "bad-binder": ("y[i] = sum(K, 0, N, x[K])", "binder variable", None),
        "bad-range": ("y[i] = Σ_{k N} x[k]", "binder range", None),
        "arity": ("y[i] = exp(x[i], 2)", "takes 1 argument", 8),
        "named-arity": ("y[i] = gelu(x[i], 2)", "takes 1 argument", 8),
        "second-line": ("y[i] = x[i] * 2 + 1\nz[i] = 3", "not an output", None),
    }
    for name, (text, msg, col) in bad.items():
        out.append(Case(f"formula-{name}", "formulas", ("check", "--launch", "k.toml", "--formula", text), INPUT,
                        "<formula>", None, col, msg))
    return out


# -- 14. command-line flags -----------------------------------------------------------------------------

def flags() -> list[Case]:
    cases = {
        "no-args": ((), "command"), "unknown-command": (("frobnicate",), "frobnicate"),
        "lift-no-launch": (("lift",), "--launch"), "launch-no-value": (("lift", "--launch"), "--launch"),
        "bad-format": (("lift", "--launch", "k.toml", "--format", "yaml"), "--format"),
        "bad-strategy": (("lift", "--launch", "k.toml", "--strategy", "up"), "--strategy"),
        "timeout-word": (("lift", "--launch", "k.toml", "--timeout", "abc"), "--timeout"),
        "timeout-zero": (("lift", "--launch", "k.toml", "--timeout", "0"), "--timeout"),
        "timeout-negative": (("check", "--launch", "k.toml", "--formula", "y[i] = x[i]", "--timeout", "-1"), "--timeout"),
        "timeout-inf": (("spec", "--launch", "k.toml", "--timeout", "inf"), "--timeout"),
        "timeout-nan": (("spec", "--launch", "k.toml", "--timeout", "nan"), "--timeout"),
        "size-no-eq": (("spec", "--launch", "k.toml", "--size", "N"), "--size"),
        "size-no-value": (("spec", "--launch", "k.toml", "--size", "N="), "--size"),
        "size-word": (("spec", "--launch", "k.toml", "--size", "N=abc"), "--size"),
        "size-float": (("spec", "--launch", "k.toml", "--size", "N=1.5"), "--size"),
        "size-empty-name": (("spec", "--launch", "k.toml", "--size", "=3"), "size"),
        "config-word": (("spec", "--launch", "k.toml", "--config", "BLOCK=x"), "--config"),
        "config-unknown": (("spec", "--launch", "k.toml", "--config", "NOPE=0"), "--config"),
        "config-no-eq": (("spec", "--launch", "k.toml", "--config", "BLOCK"), "--config"),
        "check-no-formula": (("check", "--launch", "k.toml"), "--formula"),
        "bench-missing": (("bench", "no_such_dir"), "no_such_dir"),
        "bench-no-path": (("bench",), "paths"),
        "lift-two-kernels": (("lift", "k.py::scale", "k.py::scale", "--launch", "k.toml"), "unrecognized"),
        "unknown-flag": (("lift", "--launch", "k.toml", "--frobnicate"), "--frobnicate"),
        "schema-bad-output": (("schema", "--output", "no/such/dir/x.json"), "--output"),
        "dump-smt-file": (("lift", "--launch", "k.toml", "--dump-smt", "k.py"), "--dump-smt"),
        "min-lifted-word": (("bench", ".", "--min-lifted", "many"), "--min-lifted"),
        "cache-dir-no-value": (("--cache-dir",), "--cache-dir"),
        "debug-value": (("--debug=yes", "lift", "--launch", "k.toml"), "--debug"),
    }
    out = [Case(f"flag-{name}", "flags", argv, INPUT, None, text=flag) for name, (argv, flag) in cases.items()]
    out.append(Case("size-unknown-symbol", "flags", ("spec", "--launch", "k.toml", "--size", "M=3"), INPUT, "k.toml",
                    line_of(SCALE_TOML, "[sizes]"), text="not a size symbol"))
    out.append(Case("size-missing-symbol", "flags", ("spec", "--launch", "row.toml", "--size", "M=3"), INPUT, "row.toml",
                    line_of(ROW_TOML, 'N = "N'), text="no value given for size N"))
    return out


# -- 15. TOML syntax ----------------------------------------------------------------------------------

def toml_syntax() -> list[Case]:
    out = []
    lines = ROW_TOML.split("\n")
    muts = {"no-close-quote": lambda s: s.rstrip('"'), "no-close-bracket": lambda s: s.replace("]", "", 1),
            "double-eq": lambda s: s.replace("=", "= =", 1), "bad-escape": lambda s: s.replace('"', '"\\q', 1),
            "no-value": lambda s: s.split("=")[0] + "="}
    k = 0
    for n, line in enumerate(lines, 1):
        if "=" not in line:
            continue
        for mname, mutate in muts.items():
            text = "\n".join(lines[: n - 1] + [mutate(line)] + lines[n:])
            try:
                tomllib.loads(text)
                continue
            except tomllib.TOMLDecodeError as e:
                err_line = int(str(e).split("(at line ")[1].split(",")[0]) if "(at line " in str(e) else None
            if n % 3 and mname != "no-value":
                continue
            k += 1
            out.append(Case(f"line{n}-{mname}", "toml syntax", command(CMDS[k % 3], "row.toml"), INPUT, "row.toml",
                            err_line, text="malformed TOML", files=(("row.toml", text.encode()),)))
    dup = ROW_TOML.replace('stride = "N"', 'stride = "N"\nstride = "M"')
    out.append(Case("duplicate-key", "toml syntax", command("spec", "row.toml"), INPUT, "row.toml",
                    line_of(dup, 'stride = "M"'), text="malformed TOML", files=(("row.toml", dup.encode()),)))
    bom = "\ufeff" + SCALE_TOML
    out.append(Case("bom-ok-then-typo", "toml syntax", ("spec", "--launch", "k.toml"), INPUT, "k.toml",
                    line_of(bom, 'n = "'), text="unknown name", files=(("k.toml", bom.replace('n = "N"', 'n = "Q"').encode()),)))
    for n, data in ((2, SCALE_TOML.encode().replace(b"grid", b"gr\xe9d")), (6, SCALE_TOML.encode().replace(b"in f32", b"in f\xff32")),
                    (1, b"\xff\xfe" + SCALE_TOML.encode("utf-16-le"))):
        out.append(Case(f"non-utf8-toml-{n}", "toml syntax", ("lift", "--launch", "k.toml"), INPUT, "k.toml", n,
                        text="not valid UTF-8", files=(("k.toml", data),)))
    out.append(Case("empty-toml", "toml syntax", ("spec", "--launch", "k.toml"), INPUT, "k.toml", None,
                    text="missing 'kernel'", files=(("k.toml", b""),)))
    out.append(Case("binary-toml", "toml syntax", ("spec", "--launch", "k.toml"), INPUT, "k.toml", 1,
                    text="malformed TOML", files=(("k.toml", b"\x00\x01\x02kernel"),)))
    return out


def subprocess_cases() -> list[Case]:
    """A few end to end, as a user runs them (`python -m tritonlift.cli`)."""
    from dataclasses import replace

    picks = [c for c in all_cases(with_subprocess=False)
             if c.id in ("fifo-launch-lift", "cli-kernel-fifo-file-spec", "timeout-lift", "deep-parens-1000",
                         "let-tower-lift", "size-5000000", "flag-timeout-word", "while-true-spec")]
    return [replace(c, id=f"subprocess-{c.id}", subprocess=True) for c in picks]


def all_cases(with_subprocess: bool = True) -> list[Case]:
    out = (paths() + kernel_files() + syntax_errors() + constructs() + wrong_types() + unknown_keys() + typos()
           + cycles() + division() + contradictions() + towers() + huge() + formulas() + flags() + toml_syntax())
    if with_subprocess:
        out += subprocess_cases()
    return out


BASE_FILES = {name: text.encode() for name, text in FILES.items()}
