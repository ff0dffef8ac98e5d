"""Launch specs (docs/launch-spec.md): TOML in, frozen `LaunchSpec` out, then concrete launches.

`load_launch(path)` parses and checks the file on its own terms (names, expressions, directions,
dtypes); checking the arguments against the kernel's parameters happens when the kernel source is
known (`symex.runner`). Every error is a `SpecError` naming the file, the line of the key when it
can be found, and the key.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SourceLoc, SpecError
from . import schema
from .files import decode_utf8, read_regular
from .intexpr import IntExpr, IntExprError, parse_int_expr
from .scopes import check_names

DTYPES = {
    "f16": "fp16", "float16": "fp16", "fp16": "fp16", "half": "fp16",
    "bf16": "bf16", "bfloat16": "bf16",
    "f32": "fp32", "float32": "fp32", "fp32": "fp32", "float": "fp32",
    "f64": "fp64", "float64": "fp64", "fp64": "fp64", "double": "fp64",
    "i1": "int1", "bool": "int1", "int1": "int1",
    "i8": "int8", "int8": "int8", "i16": "int16", "int16": "int16",
    "i32": "int32", "int32": "int32", "i64": "int64", "int64": "int64",
    "u8": "uint8", "uint8": "uint8", "u32": "uint32", "uint32": "uint32", "u64": "uint64", "uint64": "uint64",
}
DIRECTIONS = ("in", "out", "inout", "temp")
_SHORT_TENSOR = re.compile(r"^\s*(in|out|inout|temp)\s+([A-Za-z0-9]+)\s*\[(.*)\]\s*$")


@dataclass(frozen=True)
class TensorDecl:
    name: str
    direction: str  # in | out | inout | temp
    dtype: str  # canonical Triton dtype name: fp32, int64, ...
    shape: tuple[IntExpr, ...]
    strides: tuple[IntExpr, ...] | None  # None: contiguous row-major
    value_range: tuple[IntExpr, IntExpr] | None = None  # int data sampled in [lo, hi)
    init: float | int | None = None  # initial contents of an out/temp tensor (host zero-fills)
    also: tuple[IntExpr, ...] = ()  # int data: values allowed besides the range (an ignore_index)
    distinct: bool = False  # int data: pairwise distinct elements (scatter/gather indices)


@dataclass(frozen=True)
class ArgValue:
    """One kernel argument. kind: tensor | int | real | float | bool | str | none | dtype | values
    (autotune values of this parameter alone) | joint (its values in the launch's joint `configs`)."""

    kind: str
    expr: IntExpr | None = None  # tensor offset, or the int expression
    name: str = ""  # tensor or real name
    value: Any = None  # float/bool/str/dtype constant, or the tuple of autotune values


@dataclass(frozen=True)
class LaunchStep:
    kernel: str
    grid: tuple[IntExpr, ...]
    args: dict[str, ArgValue]
    elementwise: bool = False
    outputs: tuple[str, ...] = ()
    index: int = 0


@dataclass(frozen=True)
class LaunchSpec:
    path: Path
    op: str
    ident: str
    sizes: dict[str, tuple[IntExpr, ...]]  # size symbol -> extra constraints
    reals: dict[str, tuple[str, ...]]  # real symbol -> constraint texts (over reals)
    tensors: dict[str, TensorDecl]
    lets: dict[str, IntExpr]
    steps: tuple[LaunchStep, ...]
    constraints: tuple[IntExpr, ...] = ()
    samples: tuple[dict[str, int], ...] = ()
    source_text: str = field(default="", repr=False, compare=False)

    def loc(self, *key: str | int) -> SourceLoc:
        return key_location(self.path, self.source_text, key)


@functools.lru_cache(maxsize=4096)  # asked again and again for the same keys while lifting
def key_location(path: Path, text: str, key: tuple[str | int, ...]) -> SourceLoc:
    """Best-effort position of a TOML key path such as ("launch", 1, "args", "x"): the table's
    header (the n-th `[[launch]]` for an index), then each key in turn inside that table's
    block (inline tables included); falls back to the deepest part found, then the file."""
    lines = text.splitlines()
    headers = [n for n, line in enumerate(lines) if _HEADER.match(line)]
    rest = list(key)
    lo, hi = 0, headers[0] if headers else len(lines)
    found: SourceLoc | None = None
    if rest and isinstance(rest[0], str):
        want = rest[0]
        nth = rest[1] if len(rest) > 1 and isinstance(rest[1], int) else 0
        matches = [n for n in headers if _HEADER.match(lines[n]).group(1).strip() == want]  # type: ignore[union-attr]
        if matches:
            start = matches[min(nth, len(matches) - 1)]
            lo = start + 1
            hi = next((n for n in headers if n > start), len(lines))
            found = SourceLoc(str(path), start + 1, 1, lines[start])
            rest = rest[2:] if len(rest) > 1 and isinstance(rest[1], int) else rest[1:]
    line_no, col0 = lo, 0
    for part in rest:
        if isinstance(part, int):
            continue
        pat = re.compile(rf"(^|[{{,\s]){re.escape(part)}\s*=")
        for n in range(line_no, hi):
            m = pat.search(lines[n], col0 if n == line_no else 0)
            if m:
                col = m.start() + (1 if m.group(1) else 0) + 1
                found = SourceLoc(str(path), n + 1, col, lines[n])
                line_no, col0 = n, m.end()
                break
        else:
            break
    return found or SourceLoc(str(path))


_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")


def _err(path: Path, text: str, key: tuple[str | int, ...], msg: str) -> SpecError:
    where = schema.dotted(key)
    return SpecError(f"[{where}] {msg}" if where else msg, key_location(path, text, key))


def load_launch(path: str | Path) -> LaunchSpec:
    """Parse a launch-spec TOML file. Raises SpecError with the file, line and key."""
    p = Path(path)
    text = decode_utf8(read_regular(p, "launch spec", SpecError), p, "launch spec", SpecError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        line, col = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
        src = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e))
        raise SpecError(f"malformed TOML: {msg}", SourceLoc(str(p), line, col, src)) from None
    bad = schema.validate(data)
    if bad is not None:
        key, msg = bad
        raise _err(p, text, key, msg)
    return check_names(_parse(p, text, data))


KNOWN_TOP = {"op", "id", "kernel", "grid", "sizes", "reals", "tensors", "let", "args", "launch", "configs",
             "constraints", "samples", "elementwise", "outputs", "description", "notes"}


def _parse(p: Path, text: str, data: dict[str, Any]) -> LaunchSpec:
    def err(key: tuple[str | int, ...], msg: str) -> SpecError:
        return _err(p, text, key, msg)

    for k in data:
        if k not in KNOWN_TOP:
            raise err((k,), f"unknown key {k!r} (known: {', '.join(sorted(KNOWN_TOP))})")

    def expr(key: tuple[str | int, ...], v: Any, allow_bool: bool = False) -> IntExpr:
        if isinstance(v, bool) or not isinstance(v, (int, str)):
            raise err(key, f"expected an integer expression, got {v!r}")
        try:
            return parse_int_expr(str(v), allow_bool)
        except IntExprError as e:
            raise err(key, str(e)) from None

    sizes: dict[str, tuple[IntExpr, ...]] = {}
    raw_sizes = data.get("sizes", {})
    if isinstance(raw_sizes, list):
        raw_sizes = {s: "" for s in raw_sizes}
    if not isinstance(raw_sizes, dict):
        raise err(("sizes",), "expected a table of size symbols")
    for name, c in raw_sizes.items():
        if not re.match(r"^[A-Za-z_]\w*$", name) or re.match(r"^[a-z][0-9]*$", name):
            raise err(("sizes", name), f"size symbol {name!r} must be an identifier that is not a single lowercase letter")
        cs = [c] if isinstance(c, str) else c if isinstance(c, list) else None
        if cs is None:
            raise err(("sizes", name), "expected a constraint string or a list of them")
        sizes[name] = tuple(expr(("sizes", name), s, allow_bool=True) for s in cs if str(s).strip())

    reals: dict[str, tuple[str, ...]] = {}
    for name, c in (data.get("reals") or {}).items():
        if not re.match(r"^[a-z_]\w*$", name) or re.match(r"^[a-z][0-9]*$", name):
            raise err(("reals", name), f"real symbol {name!r} must start lower-case and be more than one letter")
        cs = [c] if isinstance(c, str) else list(c)
        reals[name] = tuple(s for s in cs if s.strip())

    lets: dict[str, IntExpr] = {k: expr(("let", k), v) for k, v in (data.get("let") or {}).items()}
    tensors: dict[str, TensorDecl] = {}
    for name, v in (data.get("tensors") or {}).items():
        tensors[name] = _tensor(name, v, err, expr)
    clash = (set(sizes) & set(tensors)) | (set(lets) & set(tensors)) | (set(reals) & set(tensors)) | (set(sizes) & set(lets))
    if clash:
        n = sorted(clash)[0]
        raise err(("tensors", n), f"name {n!r} is declared twice (sizes, let, reals and tensors share one namespace)")

    steps: list[LaunchStep] = []
    if "launch" in data:
        if "kernel" in data or "args" in data or "configs" in data:
            raise err(("launch",), "use either top-level kernel/grid/args/configs or [[launch]] entries, not both")
        raw_steps = data["launch"]
        if not isinstance(raw_steps, list):
            raise err(("launch",), "[[launch]] must be an array of tables")
        for i, st in enumerate(raw_steps):
            steps.append(_step(st, ("launch", i), i, err, expr, tensors, reals))
    else:
        if "kernel" not in data:
            raise err(("kernel",), "missing 'kernel' (or [[launch]] entries)")
        steps.append(_step(data, (), 0, err, expr, tensors, reals))

    constraints = tuple(expr(("constraints",), c, allow_bool=True) for c in data.get("constraints", []))
    samples: list[dict[str, int]] = []
    for s in data.get("samples", []):
        if not isinstance(s, dict) or any(k not in sizes for k in s) or any(not isinstance(v, int) for v in s.values()):
            raise err(("samples",), f"a sample must give integer values for size symbols only: {s!r}")
        samples.append(dict(s))
    return LaunchSpec(
        path=p, op=str(data.get("op", "")), ident=str(data.get("id", p.stem)), sizes=sizes, reals=reals,
        tensors=tensors, lets=lets, steps=tuple(steps), constraints=constraints, samples=tuple(samples),
        source_text=text,
    )


def _tensor(name: str, v: Any, err, expr) -> TensorDecl:
    key = ("tensors", name)
    if isinstance(v, str):
        m = _SHORT_TENSOR.match(v)
        if not m:
            raise err(key, f"expected '<in|out|inout|temp> <dtype>[<shape>]', got {v!r}")
        direction, dtype, shape_text = m.groups()
        shape = [s for s in _split_top(shape_text) if s.strip()]
        table: dict[str, Any] = {"dir": direction, "dtype": dtype, "shape": shape}
    elif isinstance(v, dict):
        table = v
        unknown = set(table) - {"dir", "dtype", "shape", "strides", "range", "init", "also", "distinct"}
        if unknown:
            raise err(key, f"unknown tensor field {sorted(unknown)[0]!r}")
    else:
        raise err(key, "expected a string or a table")
    direction = table.get("dir", "")
    if direction not in DIRECTIONS:
        raise err(key, f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
    dt = DTYPES.get(str(table.get("dtype", "")).lower())
    if dt is None:
        raise err(key, f"unknown dtype {table.get('dtype')!r}")
    shape = tuple(expr(key, s) for s in table.get("shape", []))
    strides = None
    if "strides" in table:
        strides = tuple(expr(key, s) for s in table["strides"])
        if len(strides) != len(shape):
            raise err(key, f"{len(strides)} strides for a rank-{len(shape)} tensor")
    rng = None
    if "range" in table:
        r = table["range"]
        if not isinstance(r, list) or len(r) != 2:
            raise err(key, "range must be [lo, hi]")
        rng = (expr(key, r[0]), expr(key, r[1]))
    also: tuple[IntExpr, ...] = ()
    if "also" in table:
        if rng is None or not isinstance(table["also"], list):
            raise err(key, "also = [...] lists values allowed besides range = [lo, hi): give both")
        also = tuple(expr(key, a) for a in table["also"])
    distinct = table.get("distinct", False)
    if not isinstance(distinct, bool) or distinct and (rng is None or also):
        raise err(key, "distinct = true needs range = [lo, hi) (and no also): the elements are distinct values of it")
    if (also or distinct) and not dt.startswith(("int", "uint")):
        raise err(key, f"also/distinct describe integer data; {name} is {dt}")
    init = table.get("init")
    if init is not None and (isinstance(init, bool) or not isinstance(init, (int, float))):
        raise err(key, f"init must be a number, got {init!r}")
    return TensorDecl(name, direction, dt, shape, strides, rng, init, also, distinct)


def _split_top(text: str) -> list[str]:
    """Split on commas not inside parentheses."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    out.append(cur)
    return out


def _step(st: dict[str, Any], base: tuple[str | int, ...], i: int, err, expr, tensors, reals) -> LaunchStep:
    kernel = st.get("kernel")
    if not isinstance(kernel, str) or not kernel:
        raise err(base + ("kernel",), "missing or empty 'kernel'")
    elementwise = bool(st.get("elementwise", False))
    grid_raw = st.get("grid", [] if elementwise else None)
    if grid_raw is None:
        raise err(base + ("grid",), "missing 'grid'")
    if not isinstance(grid_raw, list) or len(grid_raw) > 3 or (not grid_raw and not elementwise):
        raise err(base + ("grid",), "grid must be a list of 1 to 3 integer expressions")
    grid = tuple(expr(base + ("grid",), g) for g in grid_raw)
    args_raw = st.get("args", {})
    if not isinstance(args_raw, dict):
        raise err(base + ("args",), "args must be a table")
    args = {k: _arg(k, v, base + ("args",), err, expr, tensors, reals) for k, v in args_raw.items()}
    if "configs" in st:
        args.update(_configs(st["configs"], args, base + ("configs",), err, expr, tensors, reals))
    outputs: tuple[str, ...] = ()
    if elementwise:
        outs = (st.get("outputs") or {}).get("values", []) if isinstance(st.get("outputs"), dict) else st.get("outputs", [])
        if not outs:
            where = ("outputs", "values") if "outputs" in st else ("elementwise",)
            raise err(base + where, "an elementwise launch needs [outputs] values = [...]")
        for o in outs:
            if o not in tensors:
                raise err(base + ("outputs", "values"), f"output {o!r} is not a declared tensor")
        outputs = tuple(outs)
    return LaunchStep(kernel, grid, args, elementwise, outputs, i)


JOINT = "joint"  # ArgValue.kind of a constexpr set by a joint autotune configuration (`configs`)
CONFIGS_KEY = "@configs"  # its choice key is "<step>.@configs": one index for the whole configuration
LAUNCH_OPTIONS = ("num_warps", "num_stages", "num_ctas", "maxnreg")  # triton.Config options, not arguments


def choice_key(index: int, name: str, a: ArgValue) -> str:
    """The key of `a`'s autotune choice: "<step>.<param>", or "<step>.@configs" for a parameter
    of joint configurations (all of them share one index)."""
    return f"{index}.{CONFIGS_KEY}" if a.kind == JOINT else f"{index}.{name}"


def _configs(raw: Any, args: dict[str, ArgValue], key: tuple[str | int, ...], err, expr, tensors,
             reals) -> dict[str, ArgValue]:
    """`configs = [{ BLOCK_M = 64, BLOCK_N = 32, num_warps = 4 }, ...]`: the joint autotune
    configurations of `@triton.autotune`, proved one by one (not their product). Every
    configuration sets the same parameters; launch options (num_warps, ...) are accepted and
    dropped, as they do not change what the kernel computes."""
    if not isinstance(raw, list) or not raw or not all(isinstance(c, dict) for c in raw):
        raise err(key, "configs must be a non-empty list of tables, one per autotune configuration")
    tables = [{k: v for k, v in c.items() if k not in LAUNCH_OPTIONS} for c in raw]
    names = list(tables[0])
    if not names:
        raise err(key, "a configuration sets no kernel parameter (only launch options)")
    for i, t in enumerate(tables):
        if set(t) != set(names):
            odd = sorted(set(t) ^ set(names))[0]
            raise err(key, f"configuration {i} {'sets' if odd in t else 'does not set'} {odd!r}: every "
                      f"configuration sets the same parameters ({', '.join(names)})")
    for n in names:
        if n in args:
            raise err(key, f"{n!r} is given both in args and in configs")
    out = {}
    for n in names:
        vals = tuple(_arg(n, t[n], key, err, expr, tensors, reals) for t in tables)
        if any(a.kind in ("tensor", "real", "values", "none") for a in vals):
            raise err(key, f"configuration values of {n!r} must be constants or int expressions")
        out[n] = ArgValue(JOINT, value=vals)
    return out


def _arg(name: str, v: Any, base: tuple[str | int, ...], err, expr, tensors, reals) -> ArgValue:
    key = base + (name,)
    if isinstance(v, bool):
        return ArgValue("bool", value=v)
    if isinstance(v, int):
        return ArgValue("int", expr=expr(key, v))
    if isinstance(v, float):
        if math.isnan(v):
            raise err(key, "NaN is not a valid argument")
        return ArgValue("float", value=v)
    if isinstance(v, list):
        if not v:
            raise err(key, "an empty list of autotune values")
        vals = tuple(_arg(name, x, base, err, expr, tensors, reals) for x in v)
        if any(a.kind in ("tensor", "real", "values") for a in vals):
            raise err(key, "autotune values must be constants or int expressions")
        return ArgValue("values", value=vals)
    if isinstance(v, dict):
        if len(v) == 2 and "tensor" in v and "offset" in v or len(v) == 1:
            kind, val = next((k, x) for k, x in v.items() if k != "offset")
            if kind == "tensor":
                if val not in tensors:
                    raise err(key, f"unknown tensor {val!r}")
                return ArgValue("tensor", expr=expr(key, v.get("offset", 0)), name=val)
            if kind == "int":
                return ArgValue("int", expr=expr(key, val))
            if kind == "real":
                if val not in reals:
                    raise err(key, f"unknown real {val!r} (declare it in [reals])")
                return ArgValue("real", name=val)
            if kind == "float":
                return ArgValue("float", value=float(val))
            if kind == "str":
                return ArgValue("str", value=str(val))
            if kind == "dtype":
                dt = DTYPES.get(str(val).lower())
                if dt is None:
                    raise err(key, f"unknown dtype {val!r}")
                return ArgValue("dtype", value=dt)
            if kind == "values":
                return _arg(name, list(val), base, err, expr, tensors, reals)
        raise err(key, f"unknown argument form {v!r}")
    if isinstance(v, str):
        s = v.strip()
        if s == "None":
            return ArgValue("none")
        if s in tensors:
            return ArgValue("tensor", expr=parse_int_expr("0"), name=s)
        m = re.match(r"^([A-Za-z_]\w*)\s*\+\s*(.+)$", s)
        if m and m.group(1) in tensors:
            return ArgValue("tensor", expr=expr(key, m.group(2)), name=m.group(1))
        if s in reals:
            return ArgValue("real", name=s)
        return ArgValue("int", expr=expr(key, s, allow_bool=True))
    raise err(key, f"unsupported argument value {v!r}")


def main(argv: list[str] | None = None) -> int:
    """`python -m tritonlift.frontend.launch FILE...`: validate launch specs."""
    import sys

    code = 0
    for f in argv if argv is not None else sys.argv[1:]:
        try:
            spec = load_launch(f)
            print(f"{f}: ok ({len(spec.steps)} launch(es), sizes {', '.join(spec.sizes) or '-'})")
        except SpecError as e:
            print(e)
            code = 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
