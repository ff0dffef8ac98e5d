"""Moved to equal/normal.py (the one equality decider); this name stays for old imports."""

from ..equal.normal import *  # noqa: F403
from ..equal.normal import MAX_TERMS, Mono, Normalizer, Poly, same  # noqa: F401
