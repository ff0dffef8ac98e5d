"""Differential tests: the symbolic executor's per-element Terms against the real kernels run
under ``TRITON_INTERPRET=1`` (``tritonlift.bench.interp_run``), on random inputs.

Items: every ``tests/kernels/*.toml`` and every ``corpus/*.toml`` (globbed at collection time),
each at two of its default sizes (``pipeline.default_sizes``: the first and the last). An item passes when no element
differs and at least one element was compared. It is skipped only when no written element can be
evaluated at all (every Term holds ``undef(...)``, e.g. a result depending on unspecified
masked-out lanes), with that reason; a mismatch is always a failure.

Needs torch and triton (the ``[interp]`` extra); corpus items also need flag-gems / liger-kernel
(the ``[corpus]`` extra). Generated FlagGems kernels (``pointwise_dynamic:`` references) are taken
from ``Options().generated_dir`` when all are there, otherwise generated once per session into a
temporary directory.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from tritonlift.bench.runner import launch_specs
from tritonlift.errors import TritonLiftError
from tritonlift.frontend.launch import load_launch
from tritonlift.options import Options
from tritonlift.pipeline import default_sizes

pytestmark = [
    pytest.mark.interp,
    # triton.autotune's warning about the warmup/rep arguments FlagGems' libtuner passes on
    pytest.mark.filterwarnings("ignore:warmup, rep, and use_cuda_graph parameters are deprecated"),
]

ROOT = Path(__file__).resolve().parents[1]
KERNELS = ROOT / "tests" / "kernels"
CORPUS = ROOT / "corpus"
GENERATED_PREFIX = "pointwise_dynamic:"


def _missing(*modules: str) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is None]


def _kernel_refs(path: Path) -> list[str]:
    import tomllib

    data = tomllib.loads(path.read_text())
    return [st.get("kernel", "") for st in (data.get("launch") or [data])]


def _packages_needed(path: Path) -> list[str]:
    needed = []
    for ref in _kernel_refs(path):
        if ref.startswith(GENERATED_PREFIX) or ref.startswith("flag_gems."):
            needed.append("flag_gems")
        elif ref.startswith("liger_kernel."):
            needed.append("liger_kernel")
    return sorted(set(needed))


def _pick(sizes: list[dict[str, int]]) -> list[dict[str, int]]:
    """The first and the last default size: default_sizes starts from a base point and then
    moves each symbol in turn, so the last one differs from the first in another symbol."""
    return sizes[:1] + sizes[-1:] if len(sizes) > 1 else sizes


def _items() -> list:
    out = []
    for group, folder in (("kernels", KERNELS), ("corpus", CORPUS)):
        for path in launch_specs(folder):
            name = f"{group}/{path.stem}"
            try:
                sizes_list = _pick(default_sizes(load_launch(path)))
            except TritonLiftError as e:  # reported by the test itself, never skipped
                out.append(pytest.param(path, None, str(e), id=name))
                continue
            for sizes in sizes_list:
                label = ",".join(f"{k}={v}" for k, v in sizes.items()) or "-"
                out.append(pytest.param(path, sizes, None, id=f"{name}@{label}"))
    return out


@dataclass(frozen=True)
class InterpSession:
    opts: Options
    flaggems_cache: Path


def _generated_refs() -> list[str]:
    refs: list[str] = []
    for folder in (KERNELS, CORPUS):
        for path in launch_specs(folder):
            refs += [r for r in _kernel_refs(path) if r.startswith(GENERATED_PREFIX) and r not in refs]
    return refs


@pytest.fixture(scope="session")
def interp_session(tmp_path_factory: pytest.TempPathFactory) -> InterpSession:
    """torch + triton importable, the interpreter on, and the generated FlagGems kernels the
    specs name available (generated into a session temp dir when ``Options().generated_dir``
    lacks any of them)."""
    missing = _missing("torch", "triton")
    if missing:
        pytest.skip(f"differential tests need torch and triton (the [interp] extra): {', '.join(missing)} not importable")
    if os.environ.get("TRITON_INTERPRET") != "1":
        pytest.skip(f"TRITON_INTERPRET={os.environ.get('TRITON_INTERPRET')!r}: the differential tests need "
                    "TRITON_INTERPRET=1 (no GPU kernels are run)")
    base = tmp_path_factory.mktemp("interp")
    cache = base / "flaggems-cache"
    opts = Options()
    refs = _generated_refs()
    if refs and not _missing("flag_gems"):
        from tritonlift.bench.flaggems_gen import parse_ref
        from tritonlift.pipeline import generated_provider

        provide = generated_provider(opts)

        def have(ref: str) -> bool:
            try:
                return provide(ref).exists()
            except TritonLiftError:
                return False

        if not all(have(r) for r in refs):
            from tritonlift.bench.flaggems_gen import generate_pointwise_kernel

            out = base / "generated"
            for ref in refs:
                r = parse_ref(ref)
                generate_pointwise_kernel(r.module, r.function, r.rank, out, cache_dir=cache)
            opts = Options(generated_dir=out)
    return InterpSession(opts, cache)


@pytest.mark.parametrize(("spec_path", "sizes", "load_error"), _items())
def test_differential(spec_path: Path, sizes: dict[str, int] | None, load_error: str | None,
                      interp_session: InterpSession) -> None:
    if load_error is not None:
        pytest.fail(f"{spec_path}: cannot choose sizes: {load_error}")
    missing = _missing(*_packages_needed(spec_path))
    if missing:
        pytest.skip(f"{spec_path.name} runs kernels of {', '.join(missing)}, which is not installed "
                    "(the [corpus] extra)")
    from tritonlift.bench.interp_run import differential

    try:
        r = differential(spec_path, sizes, opts=interp_session.opts,
                         flaggems_cache=interp_session.flaggems_cache)
    except RecursionError:
        # a known limit, reported by `lift` too: terms nested past Python's recursion limit (tl.reduce
        # with a combine function folds as a tree, so FlagGems' Welford var_mean no longer hits it)
        pytest.xfail(f"{spec_path.name}: the kernel's terms are nested too deep to evaluate")
    if r.mismatches:
        pytest.fail(r.report(limit=None), pytrace=False)
    if r.compared == 0:
        if r.not_comparable:
            reasons = "; ".join(f"{why} in {n}" for why, n in sorted(r.reasons.items()))
            pytest.skip(f"{spec_path.name} at {sizes}: no output element can be evaluated "
                        f"({len(r.not_comparable)} written elements: {reasons}), e.g. "
                        f"{r.not_comparable[0]}")
        pytest.fail(f"{r.report()}\nno output element was written, nothing to compare", pytrace=False)
    if r.not_comparable:
        warnings.warn(f"{spec_path.name} at {sizes}: {len(r.not_comparable)} elements not comparable, "
                      f"e.g. {r.not_comparable[0][:300]}", stacklevel=1)
