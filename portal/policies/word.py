"""Reading a policy file a Clerk uploads or imports: Word (.docx), Markdown or text.

Clerks write policies in Word (issue 20, part 3). A .docx file is a zip of XML parts;
mammoth turns it into HTML and word_markdown.py turns that into the library's Markdown,
with the numbers Word drew for headings put back (word_numbering.py). The result goes
through the same drafting as pasted text (`library.draft_version`), so it is a draft to
preview and nothing is published.

A file is refused, with a message that says what to do, before anything is written:
- a password-protected .docx is not a zip at all but an OLE container holding the
  encrypted package (streams "EncryptionInfo" and "EncryptedPackage"); an old binary
  .doc is an OLE container too (stream "WordDocument");
- a damaged file, or one that is not a Word document, fails to open as a zip;
- a file too big, or one that unpacks to far more than it weighs (a "zip bomb"), is
  refused from the zip's directory, before any part is unpacked.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import mammoth

from portal.errors import DomainError
from portal.policies.word_markdown import TITLE_CLASS, html_to_policy_markdown
from portal.policies.word_numbering import number_paragraphs

MAX_FILE_BYTES = 10 * 1024 * 1024  # the page's own cap (PORTAL_MAX_UPLOAD_BYTES) is lower
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
MAX_PARTS = 1000
# Word's XML packs about ten to one; a big part packed a hundred to one is a bomb.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
MAX_TEXT_CHARS = 200_000  # as the text box on the draft form allows
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_SIGNATURE = b"PK\x03\x04"
FIELD = "document"

STYLE_MAP = f"p[style-name='Title'] => h1.{TITLE_CLASS}:fresh"

DAMAGED = (
    "The file is damaged or is not a Word document. Open it in Word, save it as a "
    "Word Document (.docx) and try again"
)
PROTECTED = (
    "The file is password-protected, so it cannot be read. Open it in Word, remove the "
    "password (File, Info, Protect Document, Encrypt with Password, then clear it), save it and try again"
)
OLD_WORD = (
    "The file is an old-style Word document (.doc). Open it in Word, save it as a "
    "Word Document (.docx) and try again"
)
OLE_EITHER = (
    "The file is password-protected or an old-style Word document (.doc). Open it in Word, "
    "remove any password, save it as a Word Document (.docx) and try again"
)


@dataclass(frozen=True)
class ImportedText:
    """A file's text as the library's Markdown, and what the Clerk should know about it."""

    markdown: str
    from_word: bool = False
    lost_numbers: tuple[str, ...] = ()
    pictures: int = 0
    tables: int = 0

    def notes(self) -> list[str]:
        """Plain words for the preview page and the command's output."""
        said: list[str] = []
        if self.lost_numbers:
            said.append(
                "Word numbered these headings itself and their numbers could not be read back, "
                "so their sections are named by their headings: "
                + "; ".join(self.lost_numbers)
                + ". Edit the draft to type the numbers in, like 3.2 Private use"
            )
        if self.pictures:
            said.append(
                f"{_count(self.pictures, 'picture')} left out: the library keeps a policy's text only"
            )
        if self.tables:
            said.append(
                f"{_count(self.tables, 'table')} turned into lines of text, one line per row with its "
                "cells separated by |. Check them in the preview"
            )
        return said


def largest_upload(request_cap: int | None) -> int:
    """The biggest file the page takes: the request's cap (PORTAL_MAX_UPLOAD_BYTES) or
    this module's, whichever is lower."""
    return min(request_cap or MAX_FILE_BYTES, MAX_FILE_BYTES)


def _count(n: int, thing: str) -> str:
    return f"1 {thing} was" if n == 1 else f"{n} {thing}s were"


def policy_text_from_file(name: str, data: bytes) -> ImportedText:
    """Read an uploaded or imported policy file: Word by its content, else UTF-8 text.

    The file's name only chooses the message for a file that is neither. Raises
    DomainError (for the form's `document` field) with what to do next.
    """
    check_size(len(data))
    if not data:
        raise DomainError("The file is empty", field=FIELD)
    if data.startswith(OLE_SIGNATURE):
        raise DomainError(_ole_message(data), field=FIELD)
    if data.startswith(ZIP_SIGNATURE) or name.lower().endswith((".docx", ".docm", ".dotx")):
        return read_word(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DomainError(
            "The file is neither a Word document (.docx) nor text: save it from Word as a Word "
            "Document (.docx), or as plain text (UTF-8)",
            field=FIELD,
        ) from error
    _check_length(text)
    return ImportedText(text)


def check_size(size: int) -> None:
    """A policy is words: a file over MAX_FILE_BYTES is refused before it is read."""
    if size > MAX_FILE_BYTES:
        raise DomainError(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, which is more than a "
            "policy needs. Remove pictures from it and try again",
            field=FIELD,
        )


def _ole_message(data: bytes) -> str:
    """Tell a password-protected .docx from an old .doc by the names of their streams.

    The names sit in the container's directory in UTF-16, so finding them in the bytes
    is enough to choose a message: nothing is read from the streams themselves.
    """
    encrypted = any(n.encode("utf-16-le") in data for n in ("EncryptedPackage", "EncryptionInfo"))
    if encrypted:
        return PROTECTED
    if "WordDocument".encode("utf-16-le") in data:
        return OLD_WORD
    return OLE_EITHER


def _open_package(data: bytes) -> zipfile.ZipFile:
    """The zip, once its directory shows it is safe to unpack. zipfile stops reading a
    part at the size the directory declares, so capping the declared sizes caps what
    is unpacked, whatever the compressed data says."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        parts = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise DomainError(DAMAGED, field=FIELD) from error
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNZIPPED_BYTES:
        raise DomainError(
            f"The file unpacks to more than {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB, far more than a "
            "policy needs, so it was not opened. Save it again from Word without pictures and try again",
            field=FIELD,
        )
    if any(p.file_size > RATIO_FLOOR and p.file_size > MAX_RATIO * max(p.compress_size, 1) for p in parts):
        raise DomainError(
            "The file unpacks to far more than its size, as a damaged or malicious file does, "
            "so it was not opened. Save it again from Word and try again",
            field=FIELD,
        )
    names = {p.filename for p in parts}
    if "word/document.xml" not in names:
        raise DomainError(
            "The file is not a Word document: it has no document text in it. Save it from Word "
            "as a Word Document (.docx) and try again",
            field=FIELD,
        )
    return package


def _read_parts(package: zipfile.ZipFile) -> dict[str, bytes]:
    """Every XML part, read once the sizes are known to be safe. A part with a DTD is
    refused: Word never writes one, and it is how entity-expansion attacks start."""
    parts: dict[str, bytes] = {}
    try:
        for info in package.infolist():
            if info.filename.endswith((".xml", ".rels")):
                content = package.read(info)
                if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
                    raise DomainError(DAMAGED, field=FIELD)
                parts[info.filename] = content
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as error:
        raise DomainError(DAMAGED, field=FIELD) from error
    return parts


def read_word(data: bytes) -> ImportedText:
    """A .docx as the library's Markdown: headings become sections and keep their
    numbers, lists stay lists, bold and italic stay. Numbers Word drew for a heading
    are put back from the numbering definitions; those that cannot be are named in
    `lost_numbers` for the Clerk (issue 20, part 3)."""
    package = _open_package(data)
    parts = _read_parts(package)
    try:
        paragraphs = number_paragraphs(
            parts["word/document.xml"], parts.get("word/styles.xml"), parts.get("word/numbering.xml")
        )
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=STYLE_MAP,
            # A style map hidden in the file could turn its paragraphs into any HTML at all.
            include_embedded_style_map=False,
            external_file_access=False,
            # Pictures are left out, so they are never unpacked.
            convert_image=mammoth.images.img_element(lambda image: {}),
        )
    except Exception as error:  # noqa: BLE001 (mammoth and the XML parser raise many kinds on a damaged file)
        raise DomainError(DAMAGED, field=FIELD) from error
    converted = html_to_policy_markdown(result.value, paragraphs)
    if not converted.markdown.strip():
        raise DomainError("The Word document has no text in it", field=FIELD)
    _check_length(converted.markdown)
    return ImportedText(
        converted.markdown,
        from_word=True,
        lost_numbers=tuple(converted.lost_numbers),
        pictures=converted.pictures,
        tables=converted.tables,
    )


def _check_length(text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise DomainError(
            f"The policy's text is longer than {MAX_TEXT_CHARS:,} characters, more than the library "
            "keeps for one policy. Check that it is the right file",
            field=FIELD,
        )


@contextmanager
def blame_the_file(imported: ImportedText | None) -> Iterator[None]:
    """A refusal of the text itself, when the text came from a file, belongs beside the
    file on the form: the Clerk did not type it, and the text box still holds the old."""
    try:
        yield
    except DomainError as error:
        if imported is None or error.field != "body":
            raise
        said = error.message[:1].lower() + error.message[1:]
        raise DomainError(f"In the uploaded file, {said}", field=FIELD) from error
