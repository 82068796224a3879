"""The digest preference and the administrator's outbox page."""
