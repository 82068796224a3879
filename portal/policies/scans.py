"""The scan of a signed paper form: what the portal accepts and the name it keeps.

The kind of file is read from its first bytes, never from the name or the content
type the browser sent, both of which the sender chooses. The uploaded name is kept
only as a label, reduced to safe characters and given the extension of what the file
really is, so that it can never act as a path or pass as another kind of file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from werkzeug.utils import secure_filename

from portal.errors import DomainError

MAX_SCAN_BYTES = 1_800_000
# (first bytes, content type, extension); the signatures are those of each format's specification.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


@dataclass(frozen=True)
class CheckedScan:
    filename: str
    content_type: str
    content: bytes


def check_scan(name: str, content: bytes) -> CheckedScan:
    """Accept a PDF, PNG or JPEG scan under 1.8 MB by its content, with a safe name to
    label it. The council's own rule for the evidence it keeps: the policies set none."""
    if not content:
        raise DomainError("Choose the scan of the signed paper form", field="scan")
    if len(content) > MAX_SCAN_BYTES:
        raise DomainError("The scan must be smaller than 1.8 MB", field="scan")
    for magic, content_type, extension in SIGNATURES:
        if content.startswith(magic):
            stem = PurePosixPath(secure_filename(name)).stem[:100] or "scan"
            return CheckedScan(stem + extension, content_type, content)
    raise DomainError("The scan must be a PDF, JPEG or PNG file", field="scan")
