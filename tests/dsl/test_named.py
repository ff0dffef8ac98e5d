"""Named functions (dsl/named.py): printed by name, parsed back, evaluated by their definitions,
which match the PyTorch formulas they are named after."""

import math

import numpy as np
import pytest

from tritonlift.dsl import Env, evaluate, parse
from tritonlift.dsl.named import NAMED_FUNCTIONS, definition, expand_named, is_named
from tritonlift.dsl.term import Op, free_vars
from tritonlift.errors import DslError

X = np.linspace(-6, 6, 101)

REFERENCE = {  # the textbook definitions, written independently of the DSL
    "silu": lambda x: x / (1 + np.exp(-x)),
    "gelu": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))),
    "gelu_tanh": lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "logsigmoid": lambda x: np.log(1 / (1 + np.exp(-x))),  # log σ(x)
}


def test_every_named_function_has_a_reference():
    assert set(REFERENCE) == set(NAMED_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(NAMED_FUNCTIONS))
def test_definition_matches_the_textbook(name: str):
    f = NAMED_FUNCTIONS[name]
    assert free_vars(definition(name)) == set(f.params)
    got = evaluate(parse(f"{name}(x[i])"), Env(tensors={"x": X}, vars={"i": np.arange(len(X))}))
    np.testing.assert_allclose(got, REFERENCE[name](X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("text", ["gelu(x[i]) * b[i]", "silu(a[i] * g1) + softplus(gelu_tanh(x[i]))"])
def test_print_parse_round_trip(text: str):
    t = parse(text)
    assert str(t) == text and parse(str(t)) is t
    assert is_named(t.args[0]) and t.args[0].op is Op.CALL


def test_expand_named_substitutes_arguments():
    t = expand_named(parse("silu(a[i] * 2) + gelu(y)"))
    assert str(t) == "a[i] * 2 * sigmoid(a[i] * 2) + 0.5 * y * (1 + erf(y / sqrt(2)))"


def test_wrong_arity_and_reserved_names():
    with pytest.raises(DslError):
        parse("gelu(x, y)")
    with pytest.raises(DslError):
        parse("gelu + 1")
    assert str(parse("gelu[i] + 1")) == "gelu[i] + 1"  # a tensor may still be called gelu


def test_uninterpreted_calls_are_unchanged():
    t = parse("call('philox0', seed, i)")
    assert str(t) == "call('philox0', seed, i)" and not is_named(t)
