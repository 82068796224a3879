"""Written authorisations to post for the council: what other packages may call.

Posting for the council on social media takes a written authority that only the Mayor
or the Town Clerk can give (Networking Policy 3.2). The work is done in the rooms
behind this module:

- `channels`: the register of the council's own channels, and why each is there;
- `channels_policy`: the Town Clerk asked to review the policy that lists them when one
  joins or leaves;
- `requests`: asking for an authorisation, and declining it;
- `issuing`: the preconditions, the signature and the letter;
- `revocation`: withdrawing one, by a signatory or when its holder leaves;
- `register`: who may post today, what ends soon, a letter's public check
- `tasks`: the notice sent when one is about to end (a daily reminders source);
- `records`: finding requests, their status, and who may see them.
"""

from __future__ import annotations

from portal.people.service import LEAVER_HOOKS

from .channels import (
    MODERATOR_SOURCES,
    active_channels,
    add_case_channel,
    add_channel,
    all_channels,
    channels_needing_basis,
    get_channel,
    moderators_by_channel,
    record_basis,
    retire_channel,
)
from .channels_policy import ChannelsReview, channels_review
from .issuing import SIGNING_ROLES, PreconditionsUnmet, issue, missing_preconditions, signing_role
from .records import authorisations_of, get_request, may_see, requests_for, status_of
from .register import (
    Ending,
    PublicCheck,
    by_code,
    ending_soon,
    holds_authorisation,
    latest_status_by_person,
    public_check,
    register,
    status_on,
)
from .requests import (
    MAX_MONTHS,
    POSTER_QUIZ,
    RequestDetails,
    UnknownChannel,
    check_dates,
    decline,
    request_authorisation,
)
from .revocation import revoke, revoke_for_leaver
from .tasks import EXPIRY_NOTICE_DAYS

__all__ = [
    "EXPIRY_NOTICE_DAYS",
    "MAX_MONTHS",
    "MODERATOR_SOURCES",
    "POSTER_QUIZ",
    "ChannelsReview",
    "SIGNING_ROLES",
    "Ending",
    "PreconditionsUnmet",
    "RequestDetails",
    "UnknownChannel",
    "active_channels",
    "add_case_channel",
    "add_channel",
    "all_channels",
    "authorisations_of",
    "by_code",
    "public_check",
    "PublicCheck",
    "channels_needing_basis",
    "channels_review",
    "check_dates",
    "decline",
    "ending_soon",
    "get_channel",
    "get_request",
    "holds_authorisation",
    "issue",
    "latest_status_by_person",
    "may_see",
    "missing_preconditions",
    "moderators_by_channel",
    "record_basis",
    "register",
    "request_authorisation",
    "requests_for",
    "retire_channel",
    "revoke",
    "revoke_for_leaver",
    "signing_role",
    "status_of",
    "status_on",
]

# Whoever leaves, their authorisations end with them (see `revoke_for_leaver`).
LEAVER_HOOKS.append(revoke_for_leaver)
