"""What a new user trips on in a business case: the gap list, the risk table, platform
names, and finding a case in a long list (issue 20)."""

from __future__ import annotations

import re

from portal.business_cases.sections import STARTING_RISKS
from portal.db import PAGE_SIZE
from tests.business_cases.helpers import GOOD_RISK, case, risk_ids, start
from tests.factories import make_department
from tests.helpers import text_of


def _gap_lines(html: str) -> list[str]:
    listed = re.search(
        r'<ul class="govuk-list govuk-list--bullet" aria-label="What is still missing">(.*)', html, re.S
    )
    assert listed, "no gap list"
    # The top-level lines: each starts with its link.
    return [
        text_of(line)
        for line in re.findall(r'<li><a class="govuk-link" href="[^"]*">(.*?)</a>', listed.group(1))
    ]


def test_a_new_drafts_gaps_are_grouped_one_line_a_page_with_a_link(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    html = client.get(f"/business-cases/{case_id}").get_data(as_text=True)
    # Was "77 things are still missing", seven lines for each of the eight risks.
    assert "3 parts of the case are not finished yet." in html
    assert _gap_lines(html) == [
        "The account and its written sections: 9 things to complete",
        "The moderation plan: 13 things to complete",
        f"{len(STARTING_RISKS)} risks not yet assessed",
    ]
    assert len(STARTING_RISKS) == 8
    assert "give the likelihood before controls" not in html
    assert f'href="/business-cases/{case_id}/details">The account and its written sections' in html
    assert f'href="/business-cases/{case_id}/moderation">The moderation plan' in html
    assert 'href="#risks">8 risks not yet assessed' in html and 'id="risks"' in html
    # What each page still needs is listed under its line.
    assert "Monday: name a moderator" in html and "Write the “Purpose” section" in html


def test_a_partly_assessed_risk_is_one_line_naming_what_it_lacks(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    first = risk_ids(session, case_id)[0]
    category = case(session, case_id).risks[0].category
    partial = {**GOOD_RISK, "category": category, "owner": "", "treatment": ""}
    assert client.post(f"/business-cases/{case_id}/risks/{first}", partial).status_code == 302
    html = client.get(f"/business-cases/{case_id}").get_data(as_text=True)
    label = STARTING_RISKS[0].label
    assert _gap_lines(html)[-2:] == [
        f"{len(STARTING_RISKS) - 1} risks not yet assessed",
        f"Risk “{label}”: 2 things to complete",
    ]
    assert f'href="/business-cases/{case_id}/risks/{first}">Risk “{label}”' in html
    assert f"Risk “{label}”: give a treatment" in html and f"Risk “{label}”: give an owner" in html


def test_each_risk_row_has_its_own_link_and_its_page_is_headed_with_its_name(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    html = client.get(f"/business-cases/{case_id}").get_data(as_text=True)
    rows = re.findall(
        r'<tr class="govuk-table__row">\s*<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', html, re.S
    )
    risk_rows = {name: row for name, row in rows if name in {r.label for r in STARTING_RISKS}}
    assert len(risk_rows) == len(STARTING_RISKS)
    for risk_id, risk in zip(risk_ids(session, case_id), STARTING_RISKS, strict=True):
        row = risk_rows[risk.label]
        link = f'href="/business-cases/{case_id}/risks/{risk_id}">Assess'
        assert f'{link}<span class="govuk-visually-hidden"> {risk.label}</span>' in row
        page = client.get(f"/business-cases/{case_id}/risks/{risk_id}").get_data(as_text=True)
        [heading] = re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)
        assert text_of(heading) == risk.label
    assert "Assess or edit:" not in html


def test_platform_names_are_spelt_as_the_platforms_spell_them(client, session, council):
    client.sign_in_as(council.manager)
    for platform, name in (("linkedin", "LinkedIn"), ("youtube", "YouTube")):
        response = client.post(
            "/business-cases/new",
            {
                "department": str(council.department.id),
                "platform": platform,
                "account_name": "Ashcombe Library",
            },
        )
        shown = client.get(response.headers["Location"]).get_data(as_text=True)
        assert (
            f"Ashcombe Library ({name})" in shown
            and f'<dd class="govuk-summary-list__value">\n      {name}' in shown
        )
        assert f">{name}</option>" in client.get("/business-cases/new").get_data(as_text=True)
    listing = client.get("/business-cases").get_data(as_text=True)
    assert "(LinkedIn)" in listing and "(YouTube)" in listing
    assert "Linkedin" not in listing and "Youtube" not in listing


def test_the_list_pages_fifty_at_a_time_and_finds_by_reference_account_or_department(
    client, session, council
):
    client.sign_in_as(council.clerk)
    leisure = make_department(session, name="Leisure Centre")
    ids = [start(client, council.department, account_name=f"Library page {n}") for n in range(PAGE_SIZE + 1)]
    swimming = start(client, leisure, account_name="Swimming news")
    first = client.get("/business-cases").get_data(as_text=True)
    assert f"{PAGE_SIZE + 2} cases." in first and "Page 1 of 2" in first
    assert first.count('<a class="govuk-link" href="/business-cases/') == PAGE_SIZE
    second = client.get("/business-cases?page=2").get_data(as_text=True)
    assert second.count('<a class="govuk-link" href="/business-cases/') == 2
    assert f'href="/business-cases/{ids[0]}"' in second  # oldest change last
    reference = case(session, swimming).reference
    for term in (reference.lower(), "SWIMMING", "leisure cen"):
        found = client.get(f"/business-cases?q={term}").get_data(as_text=True)
        assert "1 case matching" in found and "Swimming news" in found and "Library page" not in found
    none = client.get("/business-cases?q=nothing%25like").get_data(as_text=True)
    assert "No case matches" in none
    drafts = client.get("/business-cases?status=approved").get_data(as_text=True)
    assert "No case matches" in drafts
