"""What a business case must cover (Networking Policy 3.4), in the order it is read."""

from __future__ import annotations

from dataclasses import dataclass


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

# Each must be assessed before submission. Networking Policy 3.4 names the first three
# (malicious comments, Freedom of Information, a disclaimer that leaves the council's
# obligations in place); the others are the council's good practice.
REQUIRED_RISK_CATEGORIES = {
    "malicious_comments": "Malicious or abusive comments",
    "foi_disclosure": "Comments disclosed under the Freedom of Information Act 2000",
    "accuracy_defamation": "Accuracy and defamation (a disclaimer does not remove obligations)",
    "confidential_information": "Disclosure of confidential or personal information",
    "account_compromise": "Account compromise and social engineering",
    "copyright": "Copyright",
    "political_content": "Political content and the pre-election period",
    "staff_capacity": "Staff capacity or a moderation failure",
}
RISK_CATEGORIES = {**REQUIRED_RISK_CATEGORIES, "other": "Other"}
TREATMENT_LABELS = {"mitigate": "Mitigate", "accept": "Accept", "avoid": "Avoid", "transfer": "Transfer"}
