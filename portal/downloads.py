"""Files the browser saves rather than shows: PDFs and CSV exports."""

from __future__ import annotations

import csv
import io

from flask import Response


def attachment(content: bytes | str, filename: str, mimetype: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pdf_download(content: bytes, filename: str) -> Response:
    return attachment(content, filename, "application/pdf")


def csv_download(text: str, filename: str) -> Response:
    # A byte order mark, so that Excel reads the file as UTF-8.
    return attachment(
        text if text.startswith("\ufeff") else "\ufeff" + text, filename, "text/csv; charset=utf-8"
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell that a spreadsheet will show as text, never run as a formula (OWASP CSV
    injection): a leading = + - @ tab or carriage return gets an apostrophe before it."""
    if isinstance(value, int | float):
        return str(value)  # a number is never a formula, and -3 must stay a number
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: list[str], rows: list[list[object]]) -> str:
    """The one way the portal writes CSV: every cell goes through csv_safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_safe(h) for h in header])
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return buffer.getvalue()
