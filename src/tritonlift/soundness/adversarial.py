"""Adversarial kernels (placeholder, filled in below)."""


def main(argv: list[str]) -> int:
    return 0
