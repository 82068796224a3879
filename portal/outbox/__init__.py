"""The transactional outbox: email queued with the change that causes it, sent by SMTP."""
