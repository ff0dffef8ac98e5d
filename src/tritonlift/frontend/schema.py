"""The launch-spec file format as a schema (pydantic models): TOML types checked before anything
is interpreted, unknown keys refused, and the same models exported as JSON Schema for editors
(`tritonlift schema`, docs/launch-spec.schema.json).

The models check *types and keys* only: `shape = "N"`, `elementwise = "no"` or a misspelt key in
`[[launch]]` are refused here, located at the key. What the values mean (expressions, names,
directions inside the short tensor form) is checked by `frontend.launch` afterwards.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SCHEMA_ID = "https://tritonlift.dev/launch-spec.schema.json"

Expr = str | int  # an integer expression: a string of sizes, [let] names (and args), or a number
Constant = bool | int | float | str
CONFIGS_DOC = ("joint autotune configurations, one table each ({ BLOCK_M = 64, BLOCK_N = 32, num_warps = 4 }): "
               "each is proved, not the product of the values; num_warps/num_stages/num_ctas/maxnreg are dropped")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class TensorTable(_Strict):
    """A tensor in table form."""

    dir: Literal["in", "out", "inout", "temp"] = Field(description="direction: in | out | inout | temp")
    dtype: str = Field(description="f16 bf16 f32 f64 i1 i8 i16 i32 i64 u8 u32 u64 (also bool, float32, ...)")
    shape: list[Expr] = Field(default_factory=list, description="int expressions; [] is a 0-d tensor")
    strides: list[Expr] | None = Field(default=None, description="int expressions (default: contiguous)")
    range: list[Expr] | None = Field(default=None, min_length=2, max_length=2,
                                     description="[lo, hi): integer data drawn from this range")
    init: int | float | None = Field(default=None, description="initial contents of an out/temp tensor")
    also: list[Expr] | None = Field(default=None, description="int data: values allowed besides range "
                                    "(an ignore_index: range = ['0', 'V'], also = ['-100'])")
    distinct: bool = Field(default=False, description="int data: pairwise distinct elements of range")


class ArgTable(_Strict):
    """An argument in table form: exactly one of the fields (`offset` only with `tensor`)."""

    tensor: str | None = Field(default=None, description="a tensor: its base pointer")
    offset: Expr | None = Field(default=None, description="with tensor: a pointer `offset` elements in")
    int_: Expr | None = Field(default=None, alias="int", description="an int expression, a flag of sizes ('K % BLOCK_K == 0') or 'a if c else b'")
    real: str | None = Field(default=None, description="a symbolic real declared in [reals]")
    float_: float | int | None = Field(default=None, alias="float", description="a float constant")
    str_: str | None = Field(default=None, alias="str", description="a constexpr string")
    dtype: str | None = Field(default=None, description="a dtype constant")
    values: list[Constant] | None = Field(default=None, min_length=1, description="autotune values")


ArgValue = bool | int | float | str | list[Constant] | ArgTable


class OutputsTable(_Strict):
    values: list[str] = Field(description="tensors receiving the function's return values, in order")


Constraints = str | list[str]


class LaunchEntry(_Strict):
    """One `[[launch]]` entry of a multi-kernel operator."""

    kernel: str = Field(description="path.py::name, package.module:name or pointwise_dynamic:...")
    grid: list[Expr] | None = Field(default=None, max_length=3, description="1 to 3 int expressions")
    args: dict[str, ArgValue] = Field(default_factory=dict, description="every kernel parameter, by name")
    elementwise: bool = Field(default=False, description="launch a scalar function element-wise")
    outputs: OutputsTable | list[str] | None = None
    configs: list[dict[str, Constant]] | None = Field(default=None, min_length=1, description=CONFIGS_DOC)


class LaunchSpecFile(_Strict):
    """A tritonlift launch spec (docs/launch-spec.md)."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True,
                              title="tritonlift launch spec")

    op: str | None = Field(default=None, description="operator name (free text)")
    id: str | int | None = Field(default=None, description="benchmark item id (default: the file stem)")
    description: str | None = None
    notes: str | None = None
    kernel: str | None = Field(default=None, description="path.py::name or package.module:name")
    grid: list[Expr] | None = Field(default=None, max_length=3, description="1 to 3 int expressions")
    elementwise: bool = Field(default=False, description="launch a scalar function element-wise")
    outputs: OutputsTable | list[str] | None = None
    sizes: dict[str, Constraints] | list[str] = Field(
        default_factory=dict, description='size symbols (integers >= 1) and their constraints ("" for none)')
    reals: dict[str, Constraints] = Field(default_factory=dict, description="symbolic reals and constraints")
    tensors: dict[str, str | TensorTable] = Field(
        default_factory=dict, description='"<in|out|inout|temp> <dtype>[<shape>]" or a table')
    let: dict[str, Expr] = Field(default_factory=dict, description="named int expressions")
    args: dict[str, ArgValue] = Field(default_factory=dict, description="every kernel parameter, by name")
    configs: list[dict[str, Constant]] | None = Field(default=None, min_length=1, description=CONFIGS_DOC)
    launch: list[LaunchEntry] | None = Field(default=None, description="several launches, in order")
    constraints: list[str] = Field(default_factory=list, description="boolean expressions over sizes")
    samples: list[dict[str, int]] = Field(default_factory=list, description="sizes to execute by default")


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a launch-spec file, for editors (Even Better TOML /
    taplo: `#:schema ./launch-spec.schema.json` on the first line of a spec)."""
    schema = LaunchSpecFile.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"


# -- errors ------------------------------------------------------------------------------------

def dotted(key: tuple[Any, ...]) -> str:
    """A key path as the TOML author reads it: `launch[1].args.x`."""
    out = ""
    for k in key:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


_TYPE_WORDS = {
    "string": "a string", "int": "an integer", "integer": "an integer", "bool": "a boolean",
    "boolean": "a boolean", "float": "a number", "number": "a number", "list": "a list (array)",
    "dict": "a table", "dictionary": "a table", "model": "a table",
}


def _kind_of(v: Any) -> str:
    if isinstance(v, bool):
        return f"a boolean ({str(v).lower()})"
    if isinstance(v, int):
        return f"an integer ({v})"
    if isinstance(v, float):
        return f"a number ({v})"
    if isinstance(v, str):
        return f"a string ({v!r})" if len(v) <= 40 else "a string"
    if isinstance(v, list):
        return "a list (array)"
    if isinstance(v, dict):
        return "a table"
    return type(v).__name__


def _real_path(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The part of pydantic's `loc` that names keys and indices of `data`: union-member tags
    such as 'str' or 'ArgTable' are dropped, field aliases (`int_`) read as the TOML key."""
    out: list[Any] = []
    cur = data
    for seg in loc:
        key = _ALIASES.get(seg, seg) if isinstance(seg, str) else seg
        if isinstance(cur, dict) and key in cur:
            out.append(key)
            cur = cur[key]
        elif isinstance(cur, list) and isinstance(seg, int) and 0 <= seg < len(cur):
            out.append(seg)
            cur = cur[seg]
    return tuple(out)


_ALIASES = {"int_": "int", "float_": "float", "str_": "str"}


def _expected(errs: list[dict[str, Any]]) -> list[str]:
    words: list[str] = []
    for e in errs:
        t = str(e["type"])
        base = t.split("_")[0]
        w = _TYPE_WORDS.get(base)
        if t == "literal_error":
            w = e["msg"].replace("Input should be ", "")
        if w and w not in words:
            words.append(w)
    return words


def explain(err: ValidationError, data: Any) -> tuple[tuple[Any, ...], str]:
    """One (key path, message) for a validation error: the most specific problem (the deepest
    path into the data), phrased for a TOML author."""
    errs = err.errors(include_url=False)
    located = [(_real_path(data, tuple(e["loc"])), e) for e in errs]
    for path, e in located:  # an unknown key is the clearest problem there is
        if e["type"] == "extra_forbidden":
            key = e["loc"][-1]
            path = path[:-1] if path[-1:] == (key,) else path
            where = dotted(path)
            allowed = _allowed_keys(data, path)
            hint = f" (allowed: {', '.join(allowed)})" if allowed else ""
            return (*path, key), (f"unknown key {key!r}" + (f" in {where}" if where else "") + hint)
    depth = max(len(p) for p, _ in located)
    deepest = [(p, e) for p, e in located if len(p) == depth]
    path = deepest[0][0]
    same = [e for p, e in deepest if p == path]
    value = _at(data, path)
    missing = [e for e in same if e["type"] == "missing"]
    if missing:
        key = missing[0]["loc"][-1]
        return path, f"missing key {key!r}"
    specific = [e for e in same if e["type"] not in _TYPE_ERRORS]
    if specific and len(specific) == len(same):
        e = specific[0]
        got = f"{len(value)}" if isinstance(value, list) else _kind_of(value)
        return path, f"{_msg(e)}, got {got}"
    words = _expected(same) or [_msg(same[0])]
    alternatives = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
    return path, f"expected {alternatives}, got {_kind_of(value)}"


_TYPE_ERRORS = {"string_type", "int_type", "bool_type", "float_type", "list_type", "dict_type",
                "model_type", "int_from_float", "model_attributes_type"}


def _msg(e: dict[str, Any]) -> str:
    ctx = e.get("ctx") or {}
    if e["type"] in ("too_short", "too_long"):
        n = ctx.get("min_length") if e["type"] == "too_short" else ctx.get("max_length")
        return f"expected {'at least' if e['type'] == 'too_short' else 'at most'} {n} items"
    m = str(e["msg"])
    return m[0].lower() + m[1:] if m else m


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    cur = data
    for seg in path:
        cur = cur[seg]
    return cur


def _allowed_keys(data: Any, path: tuple[Any, ...]) -> list[str]:
    model = _model_at(path)
    if model is None:
        return []
    return sorted(f.alias or n for n, f in model.model_fields.items())


def _model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
    if not path:
        return LaunchSpecFile
    if path[0] == "launch" and len(path) == 2:
        return LaunchEntry
    if path[0] == "tensors" and len(path) == 2:
        return TensorTable
    if "args" in path and path.index("args") == len(path) - 2:
        return ArgTable
    return None


def validate(data: dict[str, Any]) -> tuple[tuple[Any, ...], str] | None:
    """None when `data` (parsed TOML) fits the schema, else (key path, message)."""
    try:
        LaunchSpecFile.model_validate(data)
    except ValidationError as e:
        return explain(e, data)
    return None
