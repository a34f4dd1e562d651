"""Views of the training app, split by topic."""
