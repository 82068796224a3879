"""Rate limiting (Flask-Limiter) for public pages that could be probed.

Counts are kept in memory by default, so each gunicorn worker counts on its own; set
PORTAL_RATELIMIT_STORAGE_URL (for example redis://127.0.0.1:6379) to share them.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])

# The public pages that check a code or a document (a receipt, a posting authorisation)
# answer anyone: plenty for a person checking by hand, far too few to guess codes with.
PUBLIC_CHECKS = "30 per minute"


def init_app(app: Flask, storage_url: str) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = storage_url
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    limiter.init_app(app)
