"""Reads of the workforce app, split by topic. Import from the topic module."""
