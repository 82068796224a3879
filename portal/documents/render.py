"""PDF rendering with WeasyPrint, safe against content that tries to pull in files.

Receipts and letters include text people typed (names, reasons). A crafted value
must not be able to make the renderer read a file from the server or call out to
another host, so only inline `data:` resources (the QR code) are fetched.
"""

from __future__ import annotations

import base64
import threading
import urllib.parse
import zlib
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydyf
import segno
from flask import render_template
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal.documents.seals import council_seal

PDF_VARIANT = "pdf/a-3b"  # archival PDF; 3b also allows attachments


class InlineOnlyURLFetcher(URLFetcher):
    """Fetches `data:` URLs only; every other URL is refused and the latest refusals are
    remembered (for tests and for a look in a debugger; bounded, as one is shared)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        self.refused: deque[str] = deque(maxlen=100)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.startswith("data:"):
            self.refused.append(url)
            raise ValueError(f"refused to fetch {url!r}: documents may only use inline resources")
        return decode_data_url(url)


def decode_data_url(url: str) -> URLFetcherResponse:
    """`data:[type][;base64],payload` (RFC 2397) decoded here rather than by urllib's
    data handler, which builds and re-parses e-mail headers on the way and took a
    tenth of a receipt's rendering time for one QR code."""
    header, comma, payload = url.removeprefix("data:").partition(",")
    if not comma:
        raise ValueError("a data: URL needs a comma before its content")
    media_type, _, encoding = header.rpartition(";") if header.endswith(";base64") else (header, "", "")
    body = base64.b64decode(payload, validate=True) if encoding else urllib.parse.unquote_to_bytes(payload)
    return URLFetcherResponse(url, body, {"Content-Type": media_type or "text/plain"})


@dataclass(frozen=True)
class EmbeddedFile:
    """A file carried inside the PDF (PDF/A-3 allows it): a receipt inside an evidence pack."""

    name: str
    content: bytes
    description: str


STYLESHEETS = Path(__file__).parent / "styles"
# The house style (styles/house.css): every document gets it, before its kind's own sheet,
# so that every PDF the portal makes looks the same.
HOUSE_STYLE = "house"

# zlib's default level: within a few bytes of pydyf's level 9 on these documents, in half
# the time.
STREAM_COMPRESSION_LEVEL = 6


def compress_streams_once(_document: Any, pdf: pydyf.PDF) -> None:
    """A WeasyPrint finisher: compress each stream now, once.

    A PDF/A file needs an identifier, and pydyf makes it by hashing every object's
    bytes, which serialises and compresses every stream a second time after writing
    it. Compressed here, a stream is plain bytes to both passes. Streams holding
    anything but bytes are left for pydyf to encode its own way."""
    for pdf_object in pdf.objects:
        if (
            isinstance(pdf_object, pydyf.Stream)
            and pdf_object.compress
            and all(isinstance(part, bytes) for part in pdf_object.stream)
        ):
            raw = b"\n".join(pdf_object.stream)
            pdf_object.stream = [zlib.compress(raw, STREAM_COMPRESSION_LEVEL)]
            pdf_object.compress = False
            pdf_object.extra["Filter"] = "/FlateDecode"


class _RenderingResources(threading.local):
    """What every document can share, kept per thread because Pango's font objects are
    not safe to share between threads (gunicorn runs several per worker).

    A fresh FontConfiguration reads the system's font list again (a third of a small
    document's time), and Pango keeps the fonts it has loaded inside it, so reusing one
    makes every later document faster. Stylesheets are parsed once for the same reason;
    they hold no @font-face rules, so they do not depend on the font configuration."""

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self.stylesheets: dict[str, CSS] = {}
        # Building a fetcher builds urllib's whole handler chain, TLS context included.
        self.fetcher = InlineOnlyURLFetcher()

    def stylesheet(self, name: str) -> CSS:
        if name not in self.stylesheets:
            self.stylesheets[name] = CSS(
                string=(STYLESHEETS / f"{name}.css").read_text(encoding="utf-8"),
                base_url=None,
                url_fetcher=self.fetcher,
                font_config=self.font_config,
            )
        return self.stylesheets[name]


_resources = _RenderingResources()


def finish_for_sealing(document: Any, pdf: pydyf.PDF) -> None:
    """The finisher for a document about to be sealed: as `compress_streams_once`, and the
    producer left out of the document information so that the signer writes one name
    in both the information and the XMP metadata (PDF/A wants the two to agree; see
    portal/documents/signing.py)."""
    compress_streams_once(document, pdf)
    pdf.info.pop("Producer", None)


def render_pdf_from_html(
    html: str,
    *,
    fetcher: InlineOnlyURLFetcher | None = None,
    embedded: tuple[EmbeddedFile, ...] = (),
    stylesheet: str | None = None,
    sealed: bool = False,
) -> bytes:
    """`stylesheet` names the document kind's file in `styles/`, applied after the house
    style; each is parsed once and reused. `sealed`: signed with the council's
    certificate, for every document the portal issues as evidence."""
    fetcher = fetcher or _resources.fetcher
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
    names = (HOUSE_STYLE, stylesheet) if stylesheet else (HOUSE_STYLE,)
    pdf: bytes = document.write_pdf(
        stylesheets=[_resources.stylesheet(name) for name in names],
        font_config=_resources.font_config,
        pdf_variant=PDF_VARIANT,
        uncompressed_pdf=False,
        attachments=attachments,
        finisher=finish_for_sealing if sealed else compress_streams_once,
    )
    return council_seal().sign(pdf) if sealed else pdf


def render_pdf(
    template: str,
    *,
    embedded: tuple[EmbeddedFile, ...] = (),
    stylesheet: str | None = None,
    sealed: bool = False,
    **context: Any,
) -> bytes:
    return render_pdf_from_html(
        render_template(template, **context), embedded=embedded, stylesheet=stylesheet, sealed=sealed
    )


def qr_code_data_uri(content: str) -> str:
    """A QR code as an inline PNG, so the fetcher never has to load anything.

    PNG rather than SVG: WeasyPrint draws an SVG QR code module by module, which
    took a third of a receipt's rendering time. A fixed mask: any of the eight is valid
    for scanners, and scoring all eight to pick the "best" cost a tenth of a receipt.
    One pixel per module: the stylesheet scales it up with `image-rendering: pixelated`,
    so the PDF viewer draws sharp squares and the image is a sixteenth of the size."""
    return segno.make(content, error="m", mask=0).png_data_uri(scale=1, border=2)
