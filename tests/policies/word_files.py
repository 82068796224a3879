"""Real Word documents for the import's tests, made with python-docx.

python-docx writes paragraphs, heading styles and runs, but has no call for numbering,
so `number_headings` writes the numbering definition Word itself writes for an outline
list ("1", "1.1") into the document's numbering part and links the heading styles to it.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

# An abstract numbering and its list, ids chosen well clear of python-docx's template's.
OUTLINE_ID = 90
OUTLINE = f"""<w:abstractNum {nsdecls("w")} w:abstractNumId="{OUTLINE_ID}">
  <w:multiLevelType w:val="multilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>
    <w:lvlText w:val="%1"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading2"/>
    <w:lvlText w:val="%1.%2"/></w:lvl>
</w:abstractNum>"""


def new_document(title: str = "Social Media and Networking Policy") -> DocumentObject:
    document = Document()
    document.add_paragraph(title, style="Title")
    return document


def number_headings(document: DocumentObject, *, defined: bool = True) -> None:
    """Have Word number Heading 1 and Heading 2 as 1, 1.1, 1.2, 2... through their styles.

    With `defined=False` the styles point at a list the numbering part does not hold,
    as in a document whose numbering was damaged: the numbers cannot be recovered.
    """
    numbering = document.part.numbering_part.element
    # Word wants every abstractNum before the first num.
    first_num = numbering.find(f"{{{numbering.nsmap['w']}}}num")
    first_num.addprevious(parse_xml(OUTLINE))
    if defined:
        num = f'<w:num {nsdecls("w")} w:numId="{OUTLINE_ID}"><w:abstractNumId w:val="{OUTLINE_ID}"/></w:num>'
        numbering.append(parse_xml(num))
    for level, style in enumerate(("Heading 1", "Heading 2")):
        ppr = document.styles[style].element.get_or_add_pPr()
        ppr.insert(
            0,
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{OUTLINE_ID}"/></w:numPr>'
            ),
        )


def add_formatted(document: DocumentObject, *pieces: tuple[str, str]) -> None:
    """A paragraph of runs: ("bold", "words"), ("italic", "words") or ("", "words")."""
    paragraph = document.add_paragraph()
    for kind, text in pieces:
        run = paragraph.add_run(text)
        run.bold = kind == "bold" or None
        run.italic = kind == "italic" or None


def to_bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def networking_policy(*, auto_numbers: bool = True, defined: bool = True) -> bytes:
    """A short policy the way a Clerk writes it in Word: a title, numbered headings (Word's
    own numbers, or typed in), a numbered list broken by a paragraph, bullets and emphasis."""
    document = new_document()
    if auto_numbers:
        number_headings(document, defined=defined)
    typed = "" if auto_numbers else "{} "
    document.add_heading(typed.format("1") + "Purpose", level=1)
    add_formatted(
        document, ("", "This policy sets out how staff use "), ("bold", "social media"), ("", " at work.")
    )
    document.add_heading(typed.format("2") + "Private use", level=1)
    document.add_heading(typed.format("2.1") + "Breaks", level=2)
    document.add_paragraph("Use personal accounts only:")
    document.add_paragraph("In your breaks", style="List Number")
    document.add_paragraph("On designated equipment", style="List Number")
    document.add_paragraph("And remember:")
    document.add_paragraph("Never say you are on holiday", style="List Number")
    document.add_heading(typed.format("2.2") + "Confidential information", level=2)
    add_formatted(document, ("italic", "Never"), ("", " disclose what you learn at work."))
    document.add_paragraph("Staff records", style="List Bullet")
    document.add_paragraph("Supplier contracts", style="List Bullet")
    return to_bytes(document)


def rezip(data: bytes, changes: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The same package with some parts replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            if info.filename not in changes:
                target.writestr(info.filename, source.read(info))
        for name, content in changes.items():
            target.writestr(name, content)
    return out.getvalue()
