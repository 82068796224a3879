from __future__ import annotations

import pytest

from portal.config import PROJECT_ROOT
from portal.policies.parsing import PolicyTextError, parse_policy_text, render_markdown

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"
NETWORKING_SEED = SEEDS / "004_f2c75a3224643947.txt"
COMMUNICATION_SEED = SEEDS / "000_912ea6a3a692604e.txt"
DEMO_TEXTS = PROJECT_ROOT / "portal" / "policies" / "demo_texts"

needs_seeds = pytest.mark.skipif(
    not NETWORKING_SEED.exists(), reason="the council's documents are in ../shared/seeds"
)


@needs_seeds
def test_the_networking_policy_comes_out_with_every_numbered_section():
    parsed = parse_policy_text(NETWORKING_SEED.read_text())
    assert parsed.title == "Social Media & Networking Policy"
    assert [(s.id, s.heading) for s in parsed.sections] == [
        ("purpose", "Purpose"),
        ("scope", "Scope"),
        ("3.0", "Guidance"),
        ("3.2", "Private use of Social Media"),
        ("3.3", "Sensitive and Confidential Information"),
        ("3.4", "Departments considering using Social Media"),
    ]
    private_use = parsed.section("3.2")
    assert "during their work breaks **ONLY**" in private_use.body
    assert "- Sensitive or" in parsed.section("3.3").body


@needs_seeds
def test_the_communication_policy_is_split_at_its_headings():
    parsed = parse_policy_text(COMMUNICATION_SEED.read_text())
    assert parsed.title == "Social Media and Electronic Communication Policy"
    headings = [s.heading for s in parsed.sections]
    assert headings[0] == "Introduction"
    assert "Sevenoaks Town Council email" in headings
    assert "Video Conferencing e.g. Skype" in headings
    # An address line is not a heading.
    assert not any("TN13" in h for h in headings)


@pytest.mark.parametrize("name", ["social-media-networking.md", "social-media-electronic-communication.md"])
def test_the_demo_policies_use_the_council_section_numbers(name):
    raw = (DEMO_TEXTS / name).read_text()
    parsed = parse_policy_text(raw)
    assert parsed.to_markdown() == raw  # stored exactly as written
    ids = [s.id for s in parsed.sections]
    if name == "social-media-networking.md":
        assert ids == ["purpose", "scope", "3.0", "3.2", "3.3", "3.4"]
    else:
        assert "email" in ids and "internal-communication-and-confidentiality" in ids


def test_plain_text_bullets_and_capitalised_headings():
    parsed = parse_policy_text("My Policy\n\nPURPOSE\n\nWhy.\n\n2.1 Rules:\n• one\n• two\n")
    assert [(s.id, s.heading) for s in parsed.sections] == [("purpose", "Purpose"), ("2.1", "Rules")]
    assert parsed.section("2.1").body == "- one\n- two"


def test_parsing_the_stored_text_again_gives_the_same_sections():
    parsed = parse_policy_text("My Policy\n\nSCOPE\n\nEveryone.\n\n3.2 Private use\n\nBreaks only.\n")
    assert parse_policy_text(parsed.to_markdown()) == parsed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\n  ", "empty"),
        ("%PDF-1.4\x00\x00\x00binary", "not text"),
        ("Title\n\n" + "\x01\x02\x03\x04" * 50, "garbled"),
        (
            "Just a title\n\nand a paragraph with no headings at all, which is long enough not to be one.",
            "No sections",
        ),
        ("Title\n\n3.2 Rules\n\nA.\n\n3.2 Rules again\n\nB.", "appears more than once"),
    ],
)
def test_bad_documents_are_refused_clearly(text, message):
    with pytest.raises(PolicyTextError, match=message):
        parse_policy_text(text)


def test_html_in_a_policy_is_shown_as_text_never_run():
    html = render_markdown('Click <script>alert(1)</script> <img src="x" onerror="alert(2)">')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
