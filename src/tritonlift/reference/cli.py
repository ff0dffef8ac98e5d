"""Command-line glue: `check --against OP` (with `--map` and `--param`) and the `reference`
command that lists the library or prints one operator's formula. cli.py registers both."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .model import ReferenceError


def add_check_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--against", metavar="OP",
                   help="check against a PyTorch operator of the reference library instead of --formula, "
                        "e.g. aten::elu (`tritonlift reference` lists them)")
    p.add_argument("--map", action="append", metavar="REF=TENSOR",
                   help="reference tensor onto spec tensor, e.g. x=inp,out=out0 (default: equal names, then in order)")
    p.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="operator parameter, e.g. dim=1, alpha=0.5, reduction=sum, eps=eps (a spec real stays symbolic)")


def check_formula_text(args: argparse.Namespace) -> str:
    """The formula `check` verifies: --formula, or the reference operator of --against mapped
    onto the launch spec (its description on stderr)."""
    if args.against is None:
        if args.formula is None:
            raise ReferenceError("check needs --formula FORMULA or --against OP")
        if args.map or args.param:
            raise ReferenceError("--map and --param go with --against")
        return args.formula
    if args.formula is not None:
        raise ReferenceError("give --formula or --against, not both")
    a = against_args(args, args.launch, args.kernel)
    print(f"against {a.describe()}", file=sys.stderr)
    return a.formula


def against_args(args: argparse.Namespace, launch_path: str, kernel: str | None) -> Any:
    from ..pipeline import load
    from .against import formula_against, parse_pairs, value_of

    launch = load(launch_path, kernel)
    params = {k: value_of(v) for k, v in parse_pairs(args.param, "--param").items()}
    return formula_against(launch, args.against, params, parse_pairs(args.map, "--map"))


def check_traced(call: str, spec: Any, against: str | None, opts: Any) -> int:
    """`trace --check`: the traced spec checked against the operator the call implements."""
    from .. import api
    from ..exitcodes import for_status
    from ..pipeline import load
    from ..render.check_text import check_text
    from .against import formula_against
    from .calls import identify

    tensors: dict[str, str] = {}
    if against is not None:
        name, params = against, {}
    else:
        op, params, tensors = identify(call)
        name = op.name
    a = formula_against(load(spec), name, params, tensors)
    print(f"against {a.describe()}")
    r = api.check(spec, a.formula, options=opts)
    print(check_text(r))
    return int(for_status(r.status, r.error.kind if r.error else None))


def add_reference_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("op", nargs="?", help="an operator, e.g. aten::softmax (default: list the library)")
    p.add_argument("--param", action="append", metavar="NAME=VALUE", help="parameters, e.g. dim=0")
    p.add_argument("--rank", type=int, help="rank of the operator's leading tensor (default: one batch dim)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def run_reference(args: argparse.Namespace) -> int:
    from . import OPS, categories, expand, get
    from .against import parse_pairs, value_of

    if args.op is None:
        cats = categories()
        if args.json:
            print(json.dumps(cats, indent=2))
        else:
            for cat, names in sorted(cats.items()):
                print(f"{cat} ({len(names)}): {', '.join(names)}")
            print(f"{sum(len(v) for v in cats.values())} operators, {len(OPS)} rows")
        return 0
    params = {k: value_of(v) for k, v in parse_pairs(args.param, "--param").items()}
    op = get(args.op, **params)
    inst = expand(op, params, args.rank)
    if args.json:
        print(json.dumps({"op": op.name, "category": op.category, "params": inst.params,
                          "shapes": {n: [str(d) for d in s] for n, s in inst.shapes.items()},
                          "formula": inst.text(), "torch": op.torch, "note": op.note}, indent=2, default=str))
        return 0
    print(f"{op.key}  ({op.category})  torch: {op.torch}")
    print("  params: " + (", ".join(f"{k}={v!r}" for k, v in inst.params.items()) or "none"))
    from ..render.unicode import to_unicode

    for n, s in inst.shapes.items():
        print(f"  {n}: [{', '.join(to_unicode(d) for d in s)}]")
    for eq in inst.equations:
        print(f"  {eq.text()}")
    if op.note:
        print(f"  note: {op.note}")
    return 0
