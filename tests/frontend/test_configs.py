"""Joint autotune configurations (`configs = [{...}, ...]`): the configurations `@triton.autotune`
lists, each proved, never the product of the values; a configuration the kernel gets wrong is
refuted at that configuration."""

from __future__ import annotations

import pytest

from tritonlift.errors import SpecError
from tritonlift.frontend.claims import coverage
from tritonlift.frontend.concrete import autotune_params, default_choice, instantiate
from tritonlift.frontend.launch import load_launch
from tritonlift.result import Status
from tritonlift.user_formula import parse_user_formula
from tritonlift.verify.prove import ProveConfig, prove
from tritonlift.verify.solver import default_backend

KERNEL = '''\
import triton
import triton.language as tl


@triton.jit
def rows(x_ptr, out_ptr, N, BLOCK_N: tl.constexpr, STEP: tl.constexpr):
    # right only when STEP == BLOCK_N: a larger step skips columns
    row = tl.program_id(0)
    acc = tl.zeros([BLOCK_N], dtype=tl.float32)
    for start in range(0, N, STEP):
        cols = start + tl.arange(0, BLOCK_N)
        acc += tl.load(x_ptr + row * N + cols, mask=cols < N, other=0.0)
    tl.store(out_ptr + row, tl.sum(acc, axis=0))
'''

SPEC = """\
kernel = "k.py::rows"
grid = ["M"]
configs = [CONFIGS]
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
"""

GOOD = "{ BLOCK_N = 4, STEP = 4, num_warps = 4 }, { BLOCK_N = 2, STEP = 2, num_warps = 2 }"
BAD = "{ BLOCK_N = 4, STEP = 4 }, { BLOCK_N = 2, STEP = 4 }"


def _spec(tmp_path, configs: str, spec: str = SPEC):
    (tmp_path / "k.py").write_text(KERNEL)
    p = tmp_path / "s.toml"
    p.write_text(spec.replace("CONFIGS", configs))
    return load_launch(p)


def test_configurations_are_joint_not_a_product(tmp_path):
    spec = _spec(tmp_path, GOOD)
    assert autotune_params(spec) == {"0.@configs": 2}
    assert default_choice(spec) == {"0.@configs": 1}  # the smaller blocks
    seen = {(c.steps[0].args["BLOCK_N"], c.steps[0].args["STEP"])
            for c in (instantiate(spec, {"M": 2, "N": 5}, {"0.@configs": i}) for i in (0, 1))}
    assert seen == {(4, 4), (2, 2)}
    cov = coverage(spec)
    assert cov.n_configurations == 2 and cov.configurations == ("(BLOCK_N, STEP) ∈ {(4, 4), (2, 2)}",)


@pytest.mark.parametrize(("configs", "message"), [
    ("{ BLOCK_N = 4, STEP = 4 }, { BLOCK_N = 2 }", "configuration 1 does not set 'STEP'"),
    ("{ num_warps = 4 }", "sets no kernel parameter"),
    ("{ N = 4 }", "'N' is given both in args and in configs"),
    ("{ BLOCK_N = \"x\" }", "must be constants or int expressions"),
])
def test_malformed_configurations_are_located_errors(tmp_path, configs, message):
    with pytest.raises(SpecError) as e:
        _spec(tmp_path, configs)
    assert message in e.value.message
    assert e.value.loc is not None and e.value.loc.line >= 1


@pytest.fixture(scope="module")
def config():
    with default_backend() as backend:
        yield ProveConfig(backend=backend)


def test_every_joint_configuration_is_proved(tmp_path, config):
    spec = _spec(tmp_path, GOOD)
    v = prove(spec, parse_user_formula("out[i] = Σ_{k<N} x[i, k]", spec), config=config)
    assert v.status is Status.PROVED, v.explain()


def test_a_wrong_configuration_is_refuted_at_that_configuration(tmp_path, config):
    spec = _spec(tmp_path, BAD)
    v = prove(spec, parse_user_formula("out[i] = Σ_{k<N} x[i, k]", spec), config=config)
    assert v.status is Status.REFUTED, v.explain()
    assert v.counterexample is not None and v.counterexample.choice == {"0.@configs": 1}


def test_configurations_of_a_later_launch(tmp_path, config):
    text = SPEC.replace('kernel = "k.py::rows"\ngrid = ["M"]\nconfigs = [CONFIGS]\n', "")
    text = text.replace("[args]", '[[launch]]\nkernel = "k.py::rows"\ngrid = ["M"]\nconfigs = [CONFIGS]\n[launch.args]')
    spec = _spec(tmp_path, GOOD, text)
    assert autotune_params(spec) == {"0.@configs": 2}
    v = prove(spec, parse_user_formula("out[i] = Σ_{k<N} x[i, k]", spec), config=config)
    assert v.status is Status.PROVED, v.explain()
