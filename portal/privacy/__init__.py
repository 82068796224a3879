"""Data protection: the subject access export."""
