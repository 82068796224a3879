"""What a business case must cover (Networking Policy 3.4), in the order it is read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Section:
    key: str  # the BusinessCase attribute that holds it
    label: str
    hint: str


TEXT_SECTIONS = (
    Section("purpose", "Purpose", "What the account is for."),
    Section(
        "benefit", "Benefit to the council", "What the council gains that its existing channels do not give."
    ),
    Section("audience", "Audience", "Who the account is meant to reach."),
    Section("content_plan", "Content plan", "What will be posted, how often, and who approves posts."),
    Section("resources", "Resources and staff time", "Hours each week, and whose time it is."),
    Section(
        "records_and_foi",
        "Records and Freedom of Information",
        "How posts and comments are kept, and that comments can be disclosed under the "
        "Freedom of Information Act 2000.",
    ),
    Section(
        "disclaimer",
        "Disclaimer",
        "The disclaimer the account will carry, and why it does not remove the council's obligations.",
    ),
    Section(
        "exit_plan", "Exit plan", "How the account would be closed or handed back, and its content archived."
    ),
)

# Reviewers comment on each of these: the text sections plus the two registers.
REVIEW_SECTIONS = (
    Section("account", "The account", ""),
    *TEXT_SECTIONS,
    Section("moderation", "Moderation plan", ""),
    Section("risks", "Risk assessment", ""),
)
REVIEW_SECTION_LABELS = {s.key: s.label for s in REVIEW_SECTIONS}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


class RiskBasis(StrEnum):
    """Why a starting risk is in every register: the policy's requirement, or the council's choice."""

    NETWORKING_POLICY = "networking_policy_3_4"
    GOOD_PRACTICE = "good_practice"

    @property
    def phrase(self) -> str:
        """In the middle of a sentence: "(required by the Networking Policy section 3.4)"."""
        return _BASIS_PHRASES[self]

    @property
    def label(self) -> str:
        """On its own, as in a table cell."""
        return self.phrase[0].upper() + self.phrase[1:]


_BASIS_PHRASES = {
    RiskBasis.NETWORKING_POLICY: "required by the Networking Policy section 3.4",
    RiskBasis.GOOD_PRACTICE: "the council's good practice",
}
# A risk the author adds under "Other" is neither: it is theirs.
ADDED_RISK_LABEL = "Added for this case"


@dataclass(frozen=True)
class StartingRisk:
    category: str
    label: str
    basis: RiskBasis


# Every register starts with these, and each must be assessed before submission.
# Networking Policy 3.4 names three risk areas: malicious comments and the moderation
# that removes them, a disclaimer that leaves the council answerable for accuracy, and
# Freedom of Information. The other five are the council's good practice, not the
# policy's requirement; the interface and the README say which is which.
STARTING_RISKS = (
    StartingRisk("malicious_comments", "Malicious or abusive comments", RiskBasis.NETWORKING_POLICY),
    StartingRisk(
        "foi_disclosure",
        "Comments disclosed under the Freedom of Information Act 2000",
        RiskBasis.NETWORKING_POLICY,
    ),
    StartingRisk(
        "accuracy_defamation",
        "Accuracy and defamation (a disclaimer does not remove obligations)",
        RiskBasis.NETWORKING_POLICY,
    ),
    StartingRisk(
        "confidential_information",
        "Disclosure of confidential or personal information",
        RiskBasis.GOOD_PRACTICE,
    ),
    StartingRisk("account_compromise", "Account compromise and social engineering", RiskBasis.GOOD_PRACTICE),
    StartingRisk("copyright", "Copyright", RiskBasis.GOOD_PRACTICE),
    StartingRisk(
        "political_content", "Political content and the pre-election period", RiskBasis.GOOD_PRACTICE
    ),
    StartingRisk("staff_capacity", "Staff capacity or a moderation failure", RiskBasis.GOOD_PRACTICE),
)
STARTING_RISK_BY_CATEGORY = {risk.category: risk for risk in STARTING_RISKS}
RISK_CATEGORIES = {**{risk.category: risk.label for risk in STARTING_RISKS}, "other": "Other"}


def starting_risks_by_basis() -> dict[RiskBasis, list[StartingRisk]]:
    """The starting risks under the reason each is there, the policy's first."""
    return {basis: [risk for risk in STARTING_RISKS if risk.basis is basis] for basis in RiskBasis}


def risk_name(category: str, description: str = "") -> str:
    """What a risk is called on its own page: its category ("Copyright"), or for a risk
    the author added, the first line of what could happen."""
    if category != "other" and category in RISK_CATEGORIES:
        return RISK_CATEGORIES[category]
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    return (first[:77] + "…" if len(first) > 80 else first) or "Another risk"


def basis_label(category: str) -> str:
    """Why a risk of this category is in the register, in words for the pages and PDFs."""
    starting = STARTING_RISK_BY_CATEGORY.get(category)
    return starting.basis.label if starting else ADDED_RISK_LABEL


TREATMENT_LABELS = {"mitigate": "Mitigate", "accept": "Accept", "avoid": "Avoid", "transfer": "Transfer"}
