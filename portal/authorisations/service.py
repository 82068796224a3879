"""Written authorisations to post for the council: what other packages may call.

Posting for the council on social media takes a written authority that only the Mayor
or the Town Clerk can give (Networking Policy 3.2). The work is done in the rooms
behind this module:

- `channels`: the register of the council's own channels, and why each is there;
- `channels_policy`: the Town Clerk asked to review the policy that lists them when one
  joins or leaves;
- `requests`: asking for an authorisation (whom for, no overlapping duplicates, who is
  told), and declining it;
- `issuing`: the preconditions, the signature and the letter;
- `revocation`: withdrawing one, by a signatory or when its holder leaves;
- `register`: who may post today, what ends soon, a letter's public check
- `tasks`: the notice sent when one is about to end (a daily reminders source), and the
  home tasks (a request waiting for the Mayor or the Town Clerk);
- `records`: finding and paging requests, their status, and who may see them;
- `messages`: the email each step sends.
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
from .issuing import PreconditionsUnmet, issue, missing_preconditions, signing_role
from .messages import decider_names, request_sent
from .records import (
    REQUEST_STATUSES,
    SIGNING_ROLES,
    authorisations_of,
    get_request,
    may_see,
    requests_for,
    requests_page,
    starts_later,
    status_of,
)
from .register import (
    Ending,
    PublicCheck,
    by_code,
    ending_soon,
    holds_authorisation,
    latest_status_by_person,
    public_check,
    register,
    register_page,
    status_on,
)
from .requests import (
    MAX_MONTHS,
    POSTER_QUIZ,
    AlreadyAuthorised,
    Choosable,
    RequestDetails,
    UnknownChannel,
    check_dates,
    deciders,
    decline,
    overlapping,
    people_to_choose,
    person_chosen,
    request_authorisation,
)
from .revocation import revoke, revoke_for_leaver
from .tasks import EXPIRY_NOTICE_DAYS

__all__ = [
    "EXPIRY_NOTICE_DAYS",
    "MAX_MONTHS",
    "MODERATOR_SOURCES",
    "POSTER_QUIZ",
    "REQUEST_STATUSES",
    "AlreadyAuthorised",
    "Choosable",
    "deciders",
    "decider_names",
    "overlapping",
    "people_to_choose",
    "person_chosen",
    "register_page",
    "request_sent",
    "requests_page",
    "starts_later",
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
