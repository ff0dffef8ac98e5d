"""`tritonlift assumptions`: every trusted axiom of the verifier, the lemma library (proved by
induction, cited without re-proof) and the float literals the simplifier reads as constants.
Text only: the tables live in verify/axioms.py, verify/lemmas.py and simplify/assumptions.py."""

from __future__ import annotations

from ..simplify import ASSUMED_CONSTANTS
from ..verify.axioms import AXIOMS
from ..verify.lemmas import lemmas_text


def assumptions_text(with_lemmas: bool = True) -> str:
    """The table as plain text, for `tritonlift assumptions`; by default followed by the lemma
    library, which is proved rather than assumed but cited by VCs without re-proof."""
    out = [
        "Trusted assumptions of the verifier (src/tritonlift/verify/axioms.py).",
        "Values are mathematical reals, not IEEE floats; integers do not wrap; NaN is not modelled;",
        "±inf exist only as the extended reals below. Math functions are uninterpreted symbols and",
        "the solver may use only these facts about them.",
    ]
    for kind, title in (("axiom", "Axioms"), ("definition", "Definitions of the encoding")):
        out += ["", f"{title}:"]
        for a in (a for a in AXIOMS if a.kind == kind):
            out.append(f"  {a.name}: {a.statement}")
            out.append(f"      {a.why}")
            if a.trigger_text:
                out.append(f"      trigger: {a.trigger_text}")
    text = "\n".join(out) + "\n"
    if with_lemmas:
        text += "\n" + lemmas_text()
    return text


def assumed_constants_text() -> str:
    """Float literals the simplifier reads as mathematical constants (simplify/assumptions.py)."""
    lines = ["Float literals read as constants by the simplifier (listed with each result that uses them):"]
    for a in ASSUMED_CONSTANTS:
        lines.append(f"  {a.text}")
    return "\n".join(lines)
