"""No vacuous proofs (issue 11, point 2): the hypotheses of a proof exclude no allowed size.

An obligation is proved when its hypotheses and the negated goal are unsat; if the hypotheses
alone are unsat at some allowed sizes, those sizes are silently left out. Two checks, per autotune
configuration (each is its own case):

- the size model's hypotheses (size constraints, lets, block-size facts, real constraints) are
  satisfiable at all;
- every declared data range `range = [lo, hi]` of an input tensor is non-empty wherever the tensor
  has elements (`lo < hi` whenever its index box is non-empty): a range [0, K) of a tensor of N
  elements, with K = 0 allowed, would otherwise force K ≥ 1.

A failure is an `hypotheses` obligation that is not proved: the verdict is UNKNOWN with the reason
(and the sizes at which the hypotheses contradict each other).
"""

from __future__ import annotations

from typing import Any

import z3


def obligations(world: Any) -> None:
    from dataclasses import replace

    T = world.T
    ob = world.check("hypotheses", "satisfiable", list(world.model.hyps), z3.BoolVal(False, T.ctx), None,
                     record=False)
    if ob.status == "proved":  # hyps ∧ ¬false unsat: the hypotheses contradict each other
        world.done.append(replace(ob, status="failed", answer="the size constraints contradict each other: "
                                  "every allowed size is excluded, a proof would be vacuous"))
    elif ob.status == "failed":
        world.done.append(replace(ob, status="proved", answer="sat: some allowed size satisfies every constraint"))
    else:
        world.done.append(replace(ob, answer=f"satisfiability of the size constraints not established: {ob.answer}"))
    spec = world.model.spec
    for name, d in spec.tensors.items():
        if d.value_range is None or name not in world.lay:
            continue
        lo, hi = (world.model.int_(e.tree.body) for e in d.value_range)
        shape = [world.enc.int_(n) for n in world.lay[name].shape]
        nonempty = z3.And(*[n >= 1 for n in shape]) if shape else z3.BoolVal(True, T.ctx)
        r = world.check("hypotheses", f"{name} range non-empty", [*world.model.hyps, nonempty], lo < hi, None,
                        record=False, data=False)  # the range's own axiom would imply it
        if not r.proved:
            vals = dict(r.model)
            at = ", ".join(f"{n}={vals[n]}" for n in spec.sizes if n in vals)
            text = f"[{d.value_range[0].text}, {d.value_range[1].text})"
            r = replace(r, answer=f"the data range {text} of {name} is empty{' at ' + at if at else ''} where {name} "
                        f"has elements: no input satisfies it there, so a proof would silently exclude those sizes "
                        f"({r.answer})")
        world.done.append(r)


__all__ = ["obligations"]
