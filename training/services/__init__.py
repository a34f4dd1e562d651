"""Writes of the training app, split by topic."""
