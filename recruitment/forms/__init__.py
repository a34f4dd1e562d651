"""The recruitment app's forms, one module per part of the app."""
