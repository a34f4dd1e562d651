"""Views of the recruitment app, split by topic."""
