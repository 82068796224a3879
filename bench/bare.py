"""The yardstick for throughput: a bare Flask page that runs one query on the same
database, served by the same gunicorn settings as the portal (bench/pages.py)."""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

from portal.config import normalise_database_url

app = Flask(__name__)
_engine = create_engine(normalise_database_url(os.environ["PORTAL_DATABASE_URL"]))


@app.get("/one-query")
def one_query() -> dict[str, int]:
    with _engine.connect() as connection:
        people = connection.execute(text("SELECT count(*) FROM departments")).scalar_one()
    return {"departments": people}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
