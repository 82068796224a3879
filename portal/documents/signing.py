"""PAdES seals (baseline B-B) on the PDFs the portal issues as evidence, with pyHanko.

Why: the keyed seals in the database (portal/audit/seal.py) prove a record against a
database insider, but a receipt or letter travels: to the person, to a solicitor, to a
tribunal bundle. A signature made with the council's certificate travels with it, so any
PDF reader shows "signed by <council>" and any change to the file breaks it, without
anyone having to trust the portal's database (DESIGN.md, threat model).

Choices that keep the documents archival (PDF/A-3b) and fast:
- the signature is invisible: pyHanko's visible stamp uses a font it does not embed;
- the document keeps one producer: pyHanko names itself in the XMP metadata and appends
  itself to the document information, which strict PDF/A checkers reject as a mismatch,
  so the renderer leaves the information's producer empty for pyHanko to fill in both;
- the key is loaded once, the signature's size is reserved from the certificates, and the
  signing-certificate attribute is built once: by default pyHanko re-reads the key, makes
  a trial signature and re-encodes the certificate on every document, several times the
  cost of the signature itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections.abc import Coroutine, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from asn1crypto import tsp, x509
from cryptography import x509 as x509_builder
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.attributes import CMSAttributeProvider
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers.pdf_cms import CAdESSignedAttributeProviderSpec
from pyhanko.sign.validation import PdfSignatureStatus, SignatureCoverageLevel, async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

T = TypeVar("T")
FIELD_NAME = "CouncilSeal"
# Room for the CMS structure and its signature value around the embedded certificates.
SIGNATURE_OVERHEAD_BYTES = 4096


class SealUnavailable(RuntimeError):
    """The council's certificate cannot be loaded (PORTAL_SEAL_P12 and its passphrase)."""


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's signature proves, check by check, for the verification pages."""

    signed: bool
    by_council: bool = False
    unchanged: bool = False
    signer: str | None = None
    # pyHanko's overall judgement (integrity, trust and the certificate's key usage).
    sound: bool = False

    @property
    def passed(self) -> bool:
        return self.signed and self.by_council and self.unchanged and self.sound


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the certificate, in the colon-separated form a council publishes."""
    digest = hashlib.sha256(certificate.dump()).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


class _SigningCertificateOnce(CMSAttributeProvider):
    """The signing-certificate-v2 attribute (RFC 5035), encoded once and reused."""

    attribute_type = "signing_certificate_v2"

    def __init__(self, encoded: bytes) -> None:
        self.encoded = encoded

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return tsp.SigningCertificateV2.load(self.encoded)


class _PadesAttributes(CAdESSignedAttributeProviderSpec):
    """PAdES B-B signed attributes: only the signing certificate (PAdES forbids a
    signing-time attribute; the time is in the signature dictionary instead)."""

    def __init__(self, certificate: x509.Certificate) -> None:
        super().__init__(attr_settings=None, signing_cert=certificate, is_pades=True, timestamper=None)  # type: ignore[arg-type]  # no settings are read for PAdES
        self.encoded = as_signing_certificate_v2(certificate).dump()

    def signed_attr_providers(
        self, data_digest: bytes, digest_algorithm: str
    ) -> Iterator[CMSAttributeProvider]:
        yield _SigningCertificateOnce(self.encoded)


class CouncilSeal:
    """The council's certificate and key, loaded once; signs and checks documents.

    `trusted` holds the current certificate and every earlier one the council still
    vouches for, so documents signed before a rotation keep validating."""

    def __init__(self, signer: signers.SimpleSigner, earlier: Iterable[x509.Certificate] = ()) -> None:
        self.signer = signer
        self.signer.signed_attr_prov_spec = _PadesAttributes(signer.signing_cert)
        self.certificate: x509.Certificate = signer.signing_cert
        self.trusted: list[x509.Certificate] = [self.certificate, *earlier]
        self._trusted_fingerprints = {fingerprint(c) for c in self.trusted}
        embedded = [self.certificate, *signer.cert_registry]
        room = SIGNATURE_OVERHEAD_BYTES + sum(len(c.dump()) for c in embedded)
        self.bytes_reserved = room + room % 2  # written as hexadecimal: pyHanko needs it even
        self.metadata = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            reason="Issued as evidence by the council",
        )

    @classmethod
    def from_pkcs12(
        cls, data: bytes, passphrase: str, earlier_certificates: Iterable[bytes] = ()
    ) -> CouncilSeal:
        try:
            signer = signers.SimpleSigner.load_pkcs12_data(
                data, other_certs=(), passphrase=passphrase.encode() or None
            )
        except (ValueError, TypeError) as error:
            raise SealUnavailable(f"the council's PKCS#12 file cannot be opened: {error}") from None
        if signer is None:
            raise SealUnavailable("the council's PKCS#12 file holds no certificate and key")
        earlier = [cert for blob in earlier_certificates for cert in load_certs_from_pemder_data(blob)]
        return cls(signer, earlier)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def name(self) -> str:
        return self._subject_name(self.certificate)

    @staticmethod
    def _subject_name(certificate: x509.Certificate) -> str:
        subject = certificate.subject
        return str(subject.native.get("common_name", subject.human_friendly))

    def sign(self, pdf: bytes) -> bytes:
        """The same PDF with an invisible PAdES signature added as an incremental update."""
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        output = io.BytesIO()
        pdf_signer = signers.PdfSigner(
            self.metadata, signer=self.signer, new_field_spec=fields.SigFieldSpec(FIELD_NAME)
        )
        _run(pdf_signer.async_sign_pdf(writer, output=output, bytes_reserved=self.bytes_reserved))
        return output.getvalue()

    def check(self, pdf: bytes) -> SignatureCheck:
        """Whether the PDF carries the council's signature and is unchanged since: each
        check separately, so the verification pages can say which passed."""
        try:
            signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        except Exception:  # noqa: BLE001 - any unreadable upload is simply "not signed"
            return SignatureCheck(signed=False)
        if not signatures:
            return SignatureCheck(signed=False)
        try:
            status = _run(async_validate_pdf_signature(signatures[-1], self._validation_context()))
        except Exception:  # noqa: BLE001 - a malformed signature proves nothing
            return SignatureCheck(signed=True)
        return SignatureCheck(
            signed=True,
            # The certificate in the signature is one the council vouches for; whether the
            # signature made with it holds is `unchanged` and `sound`.
            by_council=fingerprint(status.signing_cert) in self._trusted_fingerprints,
            unchanged=_unchanged(status),
            signer=self._subject_name(status.signing_cert),
            sound=bool(status.bottom_line),
        )

    def _validation_context(self) -> ValidationContext:
        # Offline on purpose: the council's certificates are the only anchors, and a
        # check must not call out to the internet on an upload.
        return ValidationContext(trust_roots=self.trusted, allow_fetching=False)


def _run(work: Coroutine[Any, Any, T]) -> T:
    """pyHanko works in coroutines, and its synchronous wrappers start an event loop,
    which fails in a thread that already runs one (a server with async workers, or a
    browser driver in the tests). There the work runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(max_workers=1) as own_thread:
        return own_thread.submit(asyncio.run, work).result()


def _unchanged(status: PdfSignatureStatus) -> bool:
    """Integrity alone, whoever signed: the digest matches (`intact`; pyHanko's `valid`
    stays true with a byte changed), the signature value is good, and it covers the
    whole file, so nothing was appended after signing."""
    whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    return bool(status.intact and status.valid and whole_file)


# Making a certificate --------------------------------------------------------------


def create_pkcs12(council_name: str, passphrase: str, *, years: int = 10) -> tuple[bytes, str]:
    """A self-signed certificate and key for a council that has none, as PKCS#12, and its
    fingerprint. A self-signed certificate proves nothing by itself: the council
    publishes the fingerprint (on its website, in its minutes) so that anyone can check
    that a document was signed by the certificate the council vouches for.

    Elliptic curve P-256: a small signature, and fast to make."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509_builder.Name(
        [
            x509_builder.NameAttribute(NameOID.COMMON_NAME, council_name),
            x509_builder.NameAttribute(NameOID.ORGANIZATION_NAME, council_name),
            x509_builder.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509_builder.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509_builder.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509_builder.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            # Digital signature and non-repudiation ("content commitment"): what a seal
            # on evidence is for, and what PDF validators look for.
            x509_builder.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    data = pkcs12.serialize_key_and_certificates(council_name.encode(), key, certificate, None, encryption)
    der = certificate.public_bytes(serialization.Encoding.DER)
    return data, fingerprint(x509.Certificate.load(der))


def certificate_pem(data: bytes, passphrase: str) -> bytes:
    """The certificate alone (no key) from a PKCS#12 file: what PORTAL_SEAL_OLD_CERTIFICATES
    keeps after a rotation, and what a council may publish."""
    _key, certificate, _others = pkcs12.load_key_and_certificates(data, passphrase.encode() or None)
    if certificate is None:
        raise SealUnavailable("the PKCS#12 file holds no certificate")
    return certificate.public_bytes(serialization.Encoding.PEM)
