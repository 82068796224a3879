"""Files the browser saves rather than shows: PDFs and CSV exports."""

from __future__ import annotations

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
