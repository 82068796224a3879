"""The policies feature's public operations: what other features, jobs and reports use.

The work is done in the rooms behind it (library: policies and versions; scope: whom
each version binds; publishing: a version goes live and everyone who must sign it is
told; status: who must sign what, by when, and as at a date; records, signing and
clerk_records: the signatures and the evidence kept with them; receipts: the evidence a
person keeps; reviews: versions due for review; messages: the email); other features
import this module and never those, so the rooms can change freely.
"""

from __future__ import annotations

from .library import (
    PolicyDetails,
    VersionDetails,
    archive_version,
    create_policy,
    current_version,
    draft_version,
    get_policy,
    get_version,
    import_version,
    list_policies,
    publish_version,
    published_history,
    scope_for_next_draft,
    sha256_text,
    signature_baseline,
    update_draft,
)
from .messages import policy_to_sign
from .publishing import publish_and_announce
from .receipts import normalise_code, receipt_for, render_receipt
from .reviews import ReviewDue, policies_due_for_review, reviews_due, town_clerks
from .scope import Scope, applies_to
from .status import (
    PolicyStatus,
    SigningPlan,
    Status,
    as_at,
    end_of_day,
    load_policies,
    load_records,
    status_of,
    statuses_for_people,
    version_in_force,
)

__all__ = [
    "PolicyDetails",
    "PolicyStatus",
    "ReviewDue",
    "Scope",
    "SigningPlan",
    "Status",
    "VersionDetails",
    "applies_to",
    "archive_version",
    "as_at",
    "create_policy",
    "current_version",
    "draft_version",
    "end_of_day",
    "get_policy",
    "get_version",
    "import_version",
    "list_policies",
    "load_policies",
    "load_records",
    "normalise_code",
    "policies_due_for_review",
    "policy_to_sign",
    "publish_and_announce",
    "publish_version",
    "published_history",
    "receipt_for",
    "render_receipt",
    "reviews_due",
    "scope_for_next_draft",
    "sha256_text",
    "signature_baseline",
    "status_of",
    "statuses_for_people",
    "town_clerks",
    "update_draft",
    "version_in_force",
]
