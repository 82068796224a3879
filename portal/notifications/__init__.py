"""Reminders and notifications; for now, the working-day calendar they count with."""
