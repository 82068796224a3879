"""Which starting risks Networking Policy 3.4 requires, and which are the council's good practice.

Section 3.4 names three risk areas (malicious comments and their moderation, a
disclaimer that leaves the council answerable for accuracy, Freedom of Information);
the other five starting risks are the council's own choice. Each carries that as data,
and every page and document that lists the risks says which is which.
"""

from __future__ import annotations

import html
import re

from portal.business_cases.sections import STARTING_RISKS, RiskBasis, basis_label
from tests.business_cases.helpers import GOOD_RISK, case, complete, pdf_text, risk_ids, start

POLICY = "Required by the Networking Policy section 3.4"
GOOD_PRACTICE = "The council's good practice"


def _row(page: str, label: str) -> str:
    """The text of the risk table's row for one risk, tags removed."""
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", page, re.S):
        text = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", row).split()))
        if text.startswith(label):
            return text
    raise AssertionError(f"no row for {label}")


def test_section_3_4_requires_three_starting_risks_and_the_other_five_are_good_practice():
    by_basis = {basis: [r.category for r in STARTING_RISKS if r.basis is basis] for basis in RiskBasis}
    assert by_basis == {
        RiskBasis.NETWORKING_POLICY: ["malicious_comments", "foi_disclosure", "accuracy_defamation"],
        RiskBasis.GOOD_PRACTICE: [
            "confidential_information",
            "account_compromise",
            "copyright",
            "political_content",
            "staff_capacity",
        ],
    }
    assert basis_label("malicious_comments") == POLICY
    assert basis_label("copyright") == GOOD_PRACTICE
    assert basis_label("other") == "Added for this case"


def test_the_case_page_marks_each_starting_risk_with_its_basis(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    page = client.get(f"/business-cases/{case_id}").get_data(as_text=True)
    for risk in STARTING_RISKS:
        assert _row(page, risk.label).startswith(f"{risk.label} {risk.basis.label} Not assessed")
    note = html.unescape(page[page.index('id="starting-risks"') :])
    assert note.index(POLICY) < note.index("Malicious or abusive comments") < note.index(GOOD_PRACTICE)
    assert note.index(GOOD_PRACTICE) < note.index("Copyright")


def test_the_risk_page_says_why_the_risk_is_there_and_an_added_one_is_the_authors(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    first, *_rest, last = risk_ids(session, case_id)  # malicious comments ... staff capacity
    reason = re.compile(r'id="risk-basis">Why this risk is in the register: <strong>(.*?)</strong>')
    pages = {
        n: client.get(f"/business-cases/{case_id}/risks/{n}").get_data(as_text=True) for n in (first, last)
    }
    assert reason.search(pages[first]).group(1) == POLICY
    assert html.unescape(reason.search(pages[last]).group(1)) == GOOD_PRACTICE
    added = client.post(
        f"/business-cases/{case_id}/risks/new", {**GOOD_RISK, "category": "other", "owner": ""}
    )
    assert added.status_code == 302
    page = client.get(added.headers["Location"]).get_data(as_text=True)
    assert reason.search(page).group(1) == "Added for this case"


def test_a_missing_starting_risk_is_named_with_its_basis(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    ids = {item.category: item.id for item in case(session, case_id).risks}
    for category in ("malicious_comments", "political_content"):
        client.post(f"/business-cases/{case_id}/risks/{ids[category]}/delete", {})
    page = html.unescape(client.get(f"/business-cases/{case_id}").get_data(as_text=True))
    assert (
        "Assess the risk “Malicious or abusive comments” (required by the Networking Policy section 3.4)"
        in page
    )
    assert (
        "Assess the risk “Political content and the pre-election period” (the council's good practice)"
        in page
    )


def test_the_submitted_case_and_its_pdf_say_which_risks_the_policy_requires(client, session, council):
    client.sign_in_as(council.manager)
    case_id = start(client, council.department)
    complete(client, session, case_id, council)
    assert client.post(f"/business-cases/{case_id}/submit", {}).status_code == 302
    submission = html.unescape(client.get(f"/business-cases/{case_id}/submissions/1").get_data(as_text=True))
    assert (
        f"Malicious or abusive comments: Something could go wrong.\nWhy it is in the register: {POLICY}"
        in (submission)
    )
    assert f"Copyright: Something could go wrong.\nWhy it is in the register: {GOOD_PRACTICE}" in submission
    words = pdf_text(client.get(f"/business-cases/{case_id}/submissions/1/case.pdf").data)
    assert f"Malicious or abusive comments {POLICY}" in words
    assert f"Copyright {GOOD_PRACTICE}" in words
