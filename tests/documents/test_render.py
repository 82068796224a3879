"""The PDF pipeline's own pieces: inline resources and what is shared between documents."""

from __future__ import annotations

import base64
import io
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor

import pydyf
import pytest
from pypdf import PdfReader

from portal.documents import render
from portal.documents.render import decode_data_url, render_pdf_from_html


def test_a_base64_data_url_gives_its_bytes_and_type():
    png = b"\x89PNG\r\n\x1a\nrest"
    response = decode_data_url("data:image/png;base64," + base64.b64encode(png).decode())
    assert response.read() == png
    assert response.content_type == "image/png"


def test_a_percent_encoded_data_url_gives_its_bytes_and_a_plain_text_default():
    response = decode_data_url("data:,Hello%2C%20council")
    assert response.read() == b"Hello, council"
    assert response.content_type == "text/plain"


@pytest.mark.parametrize("url", ["data:image/png;base64", "data:image/png;base64,@@not base64@@"])
def test_a_broken_data_url_is_refused(url):
    with pytest.raises(ValueError):
        decode_data_url(url)


def test_each_thread_renders_with_its_own_fonts_and_stylesheets():
    """Pango's font objects are not safe across threads; gunicorn runs several per worker."""
    seen: dict[int, tuple[int, int]] = {}
    start = threading.Barrier(2)

    def render_in_this_thread(n: int) -> bytes:
        start.wait()
        pdf = render_pdf_from_html(
            f"<html><head><title>t{n}</title></head><body><p class='council'>Thread {n}</p></body></html>",
            stylesheet="receipt",
        )
        seen[threading.get_ident()] = (
            id(render._resources.font_config),
            id(render._resources.stylesheet("receipt")),
        )
        return pdf

    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = list(pool.map(render_in_this_thread, range(2)))
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    assert len(seen) == 2
    fonts, sheets = zip(*seen.values(), strict=True)
    assert len(set(fonts)) == 2 and len(set(sheets)) == 2


def test_a_stylesheet_is_parsed_once_per_thread():
    first = render._resources.stylesheet("letter")
    render_pdf_from_html(
        "<html><head><title>x</title></head><body><p>x</p></body></html>", stylesheet="letter"
    )
    assert render._resources.stylesheet("letter") is first


def test_streams_of_bytes_are_compressed_once_and_others_left_to_pydyf():
    pdf = pydyf.PDF()
    content = pydyf.Stream([b"BT", b"/F1 12 Tf", b"(Ashcombe) Tj", b"ET"], compress=True)
    mixed = pydyf.Stream([b"q", 1.5, b"Q"], compress=True)
    uncompressed = pydyf.Stream([b"raw"])
    for stream in (content, mixed, uncompressed):
        pdf.add_object(stream)

    render.compress_streams_once(None, pdf)

    assert content.compress is False and content.extra["Filter"] == "/FlateDecode"
    assert zlib.decompress(content.stream[0]) == b"BT\n/F1 12 Tf\n(Ashcombe) Tj\nET"
    assert mixed.compress is True and mixed.stream == [b"q", 1.5, b"Q"]
    assert uncompressed.stream == [b"raw"] and "Filter" not in uncompressed.extra


def test_every_document_goes_through_the_finisher_and_still_reads_back(monkeypatch):
    finished = []

    def spy(document, pdf):
        finished.append(pdf)
        render_compress(document, pdf)

    render_compress = render.compress_streams_once
    monkeypatch.setattr(render, "compress_streams_once", spy)
    pdf = render_pdf_from_html(
        "<html><head><title>x</title></head><body><p>Ashcombe Town Council</p></body></html>",
        stylesheet="receipt",
    )
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page["/Contents"].get_object()["/Filter"] == "/FlateDecode"
    assert "Ashcombe Town Council" in page.extract_text()
    assert len(finished) == 1
