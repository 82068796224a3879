"""PDF rendering with WeasyPrint, safe against content that tries to pull in files.

Receipts and letters include text people typed (names, reasons). A crafted value
must not be able to make the renderer read a file from the server or call out to
another host, so only inline `data:` resources (the QR code) are fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import segno
from flask import render_template
from weasyprint import HTML, Attachment
from weasyprint.urls import URLFetcher

PDF_VARIANT = "pdf/a-3b"  # archival PDF; 3b also allows attachments


class InlineOnlyURLFetcher(URLFetcher):
    """Fetches `data:` URLs only; every other URL is refused and remembered."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url!r}: documents may only use inline resources")
        return super().fetch(url, headers)


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside the PDF (PDF/A-3 allows it): a receipt inside an evidence pack."""

    name: str
    content: bytes
    description: str


def render_pdf_from_html(
    html: str, *, fetcher: InlineOnlyURLFetcher | None = None, embedded: tuple[EmbeddedFile, ...] = ()
) -> bytes:
    fetcher = fetcher or InlineOnlyURLFetcher()
    # base_url=None: relative URLs have nothing to resolve against.
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    attachments = [
        Attachment(
            string=f.content,
            name=f.name,
            description=f.description,
            relationship="Source",
            url_fetcher=fetcher,
        )
        for f in embedded
    ]
    return document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=False, attachments=attachments)


def render_pdf(template: str, *, embedded: tuple[EmbeddedFile, ...] = (), **context: Any) -> bytes:
    return render_pdf_from_html(render_template(template, **context), embedded=embedded)


def qr_code_data_uri(content: str) -> str:
    """A QR code as an inline PNG, so the fetcher never has to load anything.

    PNG rather than SVG: WeasyPrint draws an SVG QR code module by module, which
    took a third of a receipt's rendering time. A fixed mask: any of the eight is valid
    for scanners, and scoring all eight to pick the "best" cost a tenth of a receipt."""
    return segno.make(content, error="m", mask=0).png_data_uri(scale=4, border=2)
