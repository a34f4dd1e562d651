"""Views of the workforce app, split by topic."""
