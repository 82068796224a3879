"""Checks of the code's shape that ruff cannot make (run by `make lint`)."""
