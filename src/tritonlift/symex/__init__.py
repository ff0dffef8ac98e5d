"""symex stage."""
