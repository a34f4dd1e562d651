"""Reads of the performance app, split by topic. Import from the topic module."""
