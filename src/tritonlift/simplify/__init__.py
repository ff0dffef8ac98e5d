"""simplify stage."""
