"""Reminders, notices and the outbox page."""
