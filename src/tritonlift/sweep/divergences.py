"""What each refutation of the last sweep is, after reading the kernel: the explanation shown
next to its counterexample in the report. A refutation with no entry here is reported as
"not yet explained"; a reference-library defect is fixed in the library instead of listed."""

from __future__ import annotations

EXPLAINED = {
    "flag_gems.elu": (
        "FlagGems' elu_forward_kernel returns scale·input_scale·x for x > 0 (flag_gems/ops/elu.py:18); "
        "aten::elu applies input_scale only inside the exponential of the negative branch. Equal at the "
        "default input_scale = 1, wrong for any other."),
    "flag_gems.group_norm": (
        "group_norm_kernel masks channels with `group * group_size + group_offset < C` "
        "(flag_gems/ops/groupnorm.py:38-42) instead of `group_offset < group_size`: when the group size is "
        "not a power of two, the padding lanes of the channel block load the next group's channels into "
        "this group's mean and variance (and store into them)."),
}


def explain(key: str) -> str:
    return EXPLAINED.get(key, "not yet explained")
