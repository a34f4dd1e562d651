"""Background work of the recruitment app."""
