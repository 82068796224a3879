"""Daily jobs: the reminders run and every feature's registered daily work (portal.tasks)."""
