"""Constexprs computed from constexprs: a launch argument may name other arguments of its launch
(in any order, at every autotune value); the prover sees them written over sizes only, and proves
or refutes the kernel as the interpreter runs it."""

from __future__ import annotations

import textwrap

import pytest

from tritonlift.errors import SpecError
from tritonlift.frontend.concrete import instantiate
from tritonlift.frontend.launch import load_launch
from tritonlift.frontend.resolve import resolve_step
from tritonlift.result import Status
from tritonlift.user_formula import parse_user_formula
from tritonlift.verify.prove import ProveConfig, prove
from tritonlift.verify.solver import default_backend

SPEC = """\
op = "row_sum"
kernel = "k.py::{name}"
grid = ["M"]
[sizes]
M = ""
N = ""
[tensors]
x = "in f32[M, N]"
out = "out f32[M]"
[args]
x_ptr = "x"
out_ptr = "out"
N = "N"
stride_row = "N"
TILE = "STEP * 2"
BLOCK_N = [2, 4]
STEP = "BLOCK_N"
"""

KERNELS = '''\
import triton
import triton.language as tl


@triton.jit
def good(x_ptr, out_ptr, N, stride_row, BLOCK_N: tl.constexpr, STEP: tl.constexpr, TILE: tl.constexpr):
    row = tl.program_id(0)
    acc = tl.zeros([TILE], dtype=tl.float32)
    for start in range(0, N, TILE):
        cols = start + tl.arange(0, TILE)
        acc += tl.load(x_ptr + row * stride_row + cols, mask=cols < N, other=0.0)
    tl.store(out_ptr + row, tl.sum(acc, axis=0))


@triton.jit
def skips(x_ptr, out_ptr, N, stride_row, BLOCK_N: tl.constexpr, STEP: tl.constexpr, TILE: tl.constexpr):
    # steps by TILE = 2 * BLOCK_N but reads BLOCK_N columns: half of every row is skipped
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK_N], dtype=tl.float32)
    for start in range(0, N, TILE):
        cols = start + tl.arange(0, BLOCK_N)
        acc += tl.load(x_ptr + row * stride_row + cols, mask=cols < N, other=0.0)
    tl.store(out_ptr + row, tl.sum(acc, axis=0))
'''


def _spec(tmp_path, name: str = "good", text: str = SPEC):
    (tmp_path / "k.py").write_text(KERNELS)
    p = tmp_path / "s.toml"
    p.write_text(textwrap.dedent(text).replace("{name}", name))
    return load_launch(p)


def test_resolved_arguments_mention_sizes_only(tmp_path):
    spec = _spec(tmp_path)
    step = spec.steps[0]
    for choice, tile in (({"0.BLOCK_N": 0}, 4), ({"0.BLOCK_N": 1}, 8)):
        r = resolve_step(spec, step, choice)
        assert r.args["TILE"].expr is not None and not r.args["TILE"].expr.names
        assert r.args["TILE"].expr.eval({}) == tile
        assert r.args["STEP"].expr.eval({}) == tile // 2
        assert r.args["N"].expr.names == {"N"}
        assert instantiate(spec, {"M": 2, "N": 5}, choice).steps[0].args["TILE"] == tile


def test_substitution_keeps_precedence(tmp_path):
    text = SPEC.replace('TILE = "STEP * 2"', 'TILE = "STEP * 2"\nW = "N - STEP"\nV = "W * 3 // 2"')
    spec = _spec(tmp_path, text=text)
    r = resolve_step(spec, spec.steps[0], {"0.BLOCK_N": 1})
    assert r.args["V"].expr.names == {"N"}
    for n in (1, 7, 30):
        assert r.args["V"].expr.eval({"N": n}) == (n - 4) * 3 // 2


def test_a_circle_of_constexprs_is_a_located_error(tmp_path):
    text = SPEC.replace('STEP = "BLOCK_N"', 'STEP = "TILE // 2"')
    with pytest.raises(SpecError) as e:
        _spec(tmp_path, text=text)
    assert "in a circle" in e.value.message
    assert e.value.loc is not None and e.value.loc.line in (15, 17)


@pytest.fixture(scope="module")
def config():
    with default_backend() as backend:
        yield ProveConfig(backend=backend)


def test_kernel_with_a_derived_tile_is_proved_for_every_configuration(tmp_path, config):
    spec = _spec(tmp_path)
    v = prove(spec, parse_user_formula("out[i] = Σ_{k<N} x[i, k]", spec), config=config)
    assert v.status is Status.PROVED, v.explain()


def test_kernel_that_misuses_the_derived_tile_is_refuted(tmp_path, config):
    spec = _spec(tmp_path, "skips")
    v = prove(spec, parse_user_formula("out[i] = Σ_{k<N} x[i, k]", spec), config=config)
    assert v.status is Status.REFUTED, v.explain()
    cex = v.counterexample
    assert cex is not None and cex.sizes["N"] > 2  # replayed under the interpreter by the refuter


# -- flags of sizes and conditional expressions ------------------------------------------------------

FLAG_KERNEL = '''\
import triton
import triton.language as tl


@triton.jit
def scale(x_ptr, y_ptr, N, BLOCK: tl.constexpr, EVEN: tl.constexpr):
    offs = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    if EVEN:  # the host promises whole blocks: no mask
        tl.store(y_ptr + offs, tl.load(x_ptr + offs) * 2.0)
    else:
        tl.store(y_ptr + offs, tl.load(x_ptr + offs, mask=offs < N, other=0.0) * 2.0, mask=offs < N)
'''

FLAG_SPEC = """\
kernel = "f.py::scale"
grid = ["cdiv(N, BLOCK)"]
[sizes]
N = ""
[tensors]
x = "in f32[N]"
y = "out f32[N]"
[args]
x_ptr = "x"
y_ptr = "y"
N = "N"
BLOCK = {block}
EVEN = "{even}"
"""


def _flag_spec(tmp_path, block: str, even: str):
    (tmp_path / "f.py").write_text(FLAG_KERNEL)
    p = tmp_path / "f.toml"
    p.write_text(FLAG_SPEC.format(block=block, even=even))
    return load_launch(p)


@pytest.mark.parametrize(("block", "even"), [
    ("[2, 4]", "N % BLOCK == 0"),  # autotuned block, flag computed from it
    ('"8 if N > 16 else 2"', "not (N % BLOCK != 0)"),  # host `if` on a size picks the block
    ('"4"', "N % BLOCK == 0 and N >= 4"),
])
def test_a_flag_of_sizes_is_a_case_split_of_the_prover(tmp_path, config, block, even):
    spec = _flag_spec(tmp_path, block, even)
    v = prove(spec, parse_user_formula("y[i] = x[i] * 2.0", spec), config=config)
    assert v.status is Status.PROVED, v.explain()


@pytest.mark.parametrize("even", ["N % BLOCK == 0 or N > 8", "N >= 4", "True"])
def test_a_flag_that_admits_a_partial_block_is_not_proved(tmp_path, config, even):
    # N = 9 (or 5, or any N not a multiple of 4) runs the unmasked side past the end of x and y
    spec = _flag_spec(tmp_path, '"4"', even)
    v = prove(spec, parse_user_formula("y[i] = x[i] * 2.0", spec), config=config)
    assert v.status is not Status.PROVED, v.explain()


def test_flags_and_conditionals_evaluate_like_the_host(tmp_path):
    spec = _flag_spec(tmp_path, '"8 if N > 16 else 2"', "N % BLOCK == 0")
    for n, block, even in ((16, 2, True), (17, 8, False), (24, 8, True), (3, 2, False)):
        args = instantiate(spec, {"N": n}).steps[0].args
        assert (args["BLOCK"], args["EVEN"]) == (block, even)


@pytest.mark.parametrize(("name", "status"), [("good", Status.PROVED), ("skips", Status.REFUTED)])
def test_derived_constexprs_with_three_configurations(tmp_path, config, name, status):
    # three or more configurations are first tried all at once (verify/blocks.py); a derived
    # constexpr sends them back to one proof per configuration, never to the first value alone
    spec = _spec(tmp_path, name, SPEC.replace("BLOCK_N = [2, 4]", "BLOCK_N = [2, 4, 8]"))
    v = prove(spec, parse_user_formula("out[i] = Σ_{k<N} x[i, k]", spec), config=config)
    assert v.status is status, v.explain()
