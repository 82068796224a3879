"""Policies: the library of versions, signatures and receipts, status and "as at" look-ups."""
