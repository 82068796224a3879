"""One of everything the portal's pages act on, for the tests that walk every route
(the access matrix, the form fuzz) or attack every kind of record."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from portal.auth.service import issue_password_token
from portal.authorisations.models import AuthorisationIssue
from portal.authorisations.service import RequestDetails, add_channel, issue, request_authorisation
from portal.people.models import Person, Role
from portal.policies import service
from portal.policies.signing import RequestDetails as SigningDetails
from portal.policies.signing import sign
from portal.training.attempts import get_quiz, start_attempt, submit
from portal.training.sync import sync
from tests.factories import PASSWORD, add_version, make_clerk, make_person, make_policy
from tests.training.conftest import TEST_BANK
from tests.training.helpers import answer_all

R = Role


@dataclass
class Everything:
    clerk: Person
    subject: Person  # has signed, attempted quizzes, is authorised, has a disciplinary case
    invitee: Person  # holds an unused invitation link (`token`)
    token: str
    issued: AuthorisationIssue
    ids: dict[str, Any] = field(default_factory=dict)


def one_of_everything(app: Flask, session: Session) -> Everything:
    """A policy with a published version and two drafts, a signature, quiz attempts, a
    channel, a pending and an issued authorisation, business cases in every state, a
    disciplinary case with its hearing, invitation and pack, a breach record about a
    volunteer, an election, and a failed outbox message;
    `ids` names them."""
    subject = make_person(session, name="Subject Person")
    invitee = make_person(session, name="Tess Target")
    token = issue_password_token(session, invitee, purpose="invitation", actor=None)
    session.commit()
    clerk = make_clerk(session)
    policy, published = make_policy(session, clerk=clerk)
    draft = add_version(session, clerk=clerk, policy=policy, label="2", publish=False)
    spare = add_version(session, clerk=clerk, policy=policy, label="3", publish=False)
    with app.app_context():
        ack = sign(
            session,
            subject,
            service.get_policy(session, policy.slug),
            version_id=published.id,
            password=PASSWORD,
            typed_name=subject.name,
            confirmed=True,
            request=SigningDetails(),
        )
    sync(session, TEST_BANK)
    attempt = start_attempt(session, subject, get_quiz(session, "basics"))
    channel = add_channel(
        session, clerk, platform="x", name="@council", url="https://x.example/c", basis="Minute 24/001"
    )
    details = RequestDetails(
        person=subject,
        channel_ids=[channel.id],
        scope="Events",
        conditions="",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=30),
        justification="x",
    )
    # The one waiting follows the one issued: two at once for one channel are refused.
    later = date.today() + timedelta(days=31)
    following = replace(details, starts_on=later, ends_on=later + timedelta(days=30))
    with app.app_context():  # a request emails the Mayor and the Town Clerk
        requested = request_authorisation(session, clerk, following)
        to_issue = request_authorisation(session, clerk, details)
    poster = start_attempt(session, subject, get_quiz(session, "authorised-poster"))
    answer_all(session, subject, poster, right=True)
    submit(session, subject, poster)
    with app.app_context():
        issued = issue(session, clerk, to_issue, password=PASSWORD, typed_name=clerk.name, ip_address=None)
        cases = business_cases(session, clerk)
        cases |= disciplinary_case(session, clerk, subject, policy)
        cases |= breach_record(session, clerk, policy, published.id)
        cases |= information_request(session, subject, channel)
        cases |= election(session, clerk)
        cases["outbox_message"] = outbox_message(session, subject)
    session.commit()
    ids = {
        **cases,
        "requested": requested.id,
        "issued": to_issue.id,
        "channel": channel.id,
        "attempt": attempt.id,
        "token": token,
        "slug": policy.slug,
        "ack": ack.id,
        "published": published.id,
        "draft": draft.id,
        "spare": spare.id,
    }
    return Everything(clerk, subject, invitee, token, issued, ids)


def business_cases(session, clerk) -> dict[str, int]:
    """A draft, a submitted case and a decided one, in a department the visitor is not in."""
    from portal.business_cases import review as case_review
    from portal.business_cases.risk import current_matrix
    from portal.business_cases.service import submit as submit_case
    from tests.business_cases.helpers import complete_case
    from tests.factories import make_department

    department = make_department(session, name="Library")
    moderators = [make_person(session, department=department) for _ in range(2)]
    deputy = make_person(session, roles={R.DEPUTY_CLERK})
    draft = complete_case(session, clerk, department, moderators)
    submitted = complete_case(session, clerk, department, moderators)
    submit_case(session, clerk, submitted, current_matrix())
    decided = complete_case(session, clerk, department, moderators)
    submit_case(session, clerk, decided, current_matrix())
    review = case_review.start_review(session, deputy, decided)
    case_review.decide(session, deputy, decided, case_review.DecisionDetails("approved", {}, "", None))
    return {
        "bc_draft": draft.id,
        "bc_risk": draft.risks[0].id,
        "bc_submitted": submitted.id,
        "bc_decided": decided.id,
        "bc_review": review.id,
    }


def outbox_message(session, person) -> int:
    from portal.outbox.service import Message, queue

    message = queue(session, person, "test", Message("Hello", ["Text."]))
    message.status = "failed"
    return message.id


def disciplinary_case(session, clerk, subject, policy) -> dict[str, int]:
    from portal.conduct import service as conduct
    from portal.conduct.pack import build_pack

    case = conduct.open_case(
        session,
        clerk,
        conduct.Allegation(
            subject=subject,
            allegation="Posted about a resident",
            incident_date=date.today(),
            policy=service.get_policy(session, policy.slug),
            sections=["3.2"],
            investigating_officer=clerk,
        ),
    )
    meeting = conduct.add_meeting(session, clerk, case, held_on=date.today(), title="Meeting", notes="Notes")
    hearer = make_person(session, name="Hearing Officer")
    invitation = conduct.arrange_hearing(
        session,
        clerk,
        case,
        conduct.Hearing(
            on=date.today(),
            at=time(10, 30),
            place="Town Hall",
            evidence="The post",
            possible_outcome="dismissal",
            hearers=conduct.Hearers("officer", [hearer]),
        ),
    )
    pack = build_pack(session, clerk, case)
    return {"dc": case.id, "dc_meeting": meeting.id, "dc_pack": pack.id, "dc_letter": invitation.id}


def breach_record(session, clerk, policy, version_id) -> dict[str, int]:
    """A volunteer who signed the policy, and a breach record about them that the Clerk handles."""
    from portal.breaches import service as breaches
    from portal.people.models import EngagementType

    volunteer = make_person(session, name="Val Volunteer", engagement=EngagementType.VOLUNTEER)
    sign(
        session,
        volunteer,
        service.get_policy(session, policy.slug),
        version_id=version_id,
        password=PASSWORD,
        typed_name=volunteer.name,
        confirmed=True,
        request=SigningDetails(),
    )
    found = breaches.open_record(
        session,
        clerk,
        breaches.Concern(
            subject=volunteer,
            allegation="Shared a resident's photograph",
            incident_date=date.today(),
            policy=service.get_policy(session, policy.slug),
            sections=["3.2"],
            handler=clerk,
        ),
    )
    return {"br": found.id}


def information_request(session, logger, channel) -> dict[str, Any]:
    """An FOI request seen on the council's channel, which the Town Clerk handles."""
    from datetime import datetime

    from portal.clock import LONDON
    from portal.information_requests import service as requests

    found = requests.log_request(
        session,
        logger,
        requests.Arrival("foi", channel.id, "", datetime.now(LONDON), "@resident", "What did the fete cost?"),
    )
    return {"ir": found.id, "ir_step": "acknowledged"}


def election(session, clerk) -> dict[str, int]:
    """A town council election the Town Clerk recorded, its poll two months away."""
    from portal.elections import service as elections

    found = elections.record_election(
        session,
        clerk,
        elections.ElectionDetails("ordinary", "Town council election", date.today() + timedelta(days=60)),
    )
    return {"el": found.id}


def role_change(session, clerk, subject) -> int:
    from portal.people.models import RoleChange

    change = RoleChange(
        person_id=subject.id,
        kind="grant",
        role="hr",
        effective_on=date.today(),
        lapses_on=date.today() + timedelta(days=7),
        status="pending",
        proposed_by_id=clerk.id,
    )
    session.add(change)
    session.commit()
    return change.id
