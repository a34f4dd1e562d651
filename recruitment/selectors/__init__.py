"""Reads of the recruitment app, split by topic."""
