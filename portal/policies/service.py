"""The policies feature's public operations: what other features, jobs and reports use.

The work is done in the rooms behind it (library: policies and versions; status: who
must sign what, by when, and as at a date; receipts: the evidence of a signature);
other features import this module and never those, so the rooms can change freely.
"""

from __future__ import annotations

from .library import (
    PolicyDetails,
    VersionDetails,
    applies_to,
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
    sha256_text,
    signature_baseline,
    update_draft,
)
from .receipts import normalise_code, receipt_for, render_receipt
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
    "publish_version",
    "published_history",
    "receipt_for",
    "render_receipt",
    "sha256_text",
    "signature_baseline",
    "status_of",
    "statuses_for_people",
    "update_draft",
    "version_in_force",
]
