"""The "What I need to do" page, the accessibility statement and the health check."""
