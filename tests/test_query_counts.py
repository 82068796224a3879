"""Pages issue a fixed number of SQL queries, however many people the council has."""

from __future__ import annotations

from datetime import date, timedelta

from portal.audit.service import record
from portal.authorisations.service import RequestDetails, add_channel, request_authorisation
from portal.db import utcnow
from portal.people.models import EngagementType, Role
from portal.policies.models import Acknowledgement
from portal.training.attempts import get_quiz, start_attempt, submit
from portal.training.sync import sync
from tests.conftest import empty_database
from tests.factories import make_department, make_person, make_policy
from tests.training.conftest import TEST_BANK
from tests.training.helpers import answer_all

ENGAGEMENTS = list(EngagementType)


def _council(session, size: int):
    departments = [make_department(session) for _ in range(4)]
    people = [
        make_person(
            session,
            engagement=ENGAGEMENTS[n % len(ENGAGEMENTS)],
            department=departments[n % 4],
            roles={Role.MANAGER} if n % 10 == 0 else set(),
            commit=False,
        )
        for n in range(size)
    ]
    for person in people:
        record(session, actor=person, action="test.activity", object_type="person", object_id=person.id)
    session.commit()
    clerk = make_person(session, roles={Role.ADMINISTRATOR, Role.TOWN_CLERK, Role.HR}, manager=people[0])
    versions = [make_policy(session, clerk=clerk, slug=slug)[1] for slug in ("test-policy", "policy-1")]
    # Some have signed (rows written directly: the amount of data, not signing, is under test).
    for number, person in enumerate(people):
        for version in versions[: number % 3]:
            session.add(
                Acknowledgement(
                    person_id=person.id,
                    version_id=version.id,
                    record_number=1,
                    kind="signed",
                    method="self",
                    person_name=person.name,
                    person_email=person.email,
                    version_label=version.label,
                    version_sha256=version.content_sha256,
                    statement_text="",
                    statement_sha256="",
                    actor_id=person.id,
                    recorded_at=utcnow(),
                    reauthenticated=True,
                    evidence_sha256="x",
                )
            )
    session.commit()
    sync(session, TEST_BANK)
    quiz = get_quiz(session, "basics")
    for person in people[::10]:
        if person.engagement_type in ("employee", "volunteer"):
            attempt = start_attempt(session, person, quiz)
            answer_all(session, person, attempt, right=True)
            submit(session, person, attempt)
    channel = add_channel(
        session, clerk, platform="facebook", name="Page", url="https://f.example", basis="Minute 24/001"
    )
    for person in people[::10]:
        request_authorisation(
            session,
            clerk,
            RequestDetails(
                person=person,
                channel_ids=[channel.id],
                scope="Events",
                conditions="",
                starts_on=date.today(),
                ends_on=date.today() + timedelta(days=30),
                justification="x",
            ),
        )
    session.commit()
    _business_cases(session, clerk, people, departments, size)
    _disciplinary_cases(session, clerk, people, size)
    _breach_records(session, clerk, people, size)
    from portal.outbox.service import Message, queue

    for person in people:
        queue(session, person, "test", Message("Hello", ["Text."]))
    # After the other mail, so that their notices to the Clerk are on the outbox's first
    # page at either size: the page reads who may see a need-to-know notice only when one is shown.
    _information_requests(session, people, channel, size)
    _role_changes(session, clerk, people, size)
    _elections(session, clerk, size)
    session.commit()
    return people, clerk


def _elections(session, clerk, size: int) -> None:
    """Elections past and to come, one of them in its pre-election period today, so
    that the banners and flags it adds to other pages are counted too."""
    from portal.db import utcnow
    from portal.elections.models import Election

    for number in range(max(2, size // 10)):
        poll = date.today() + timedelta(days=10 + 30 * number)
        session.add(
            Election(
                kind="by_election",
                title=f"By-election {number}",
                poll_on=poll,
                period_starts_on=poll - timedelta(days=35),
                start_given=True,
                status="recorded",
                recorded_by_id=clerk.id,
                recorded_at=utcnow(),
                cancel_reason="",
            )
        )


def _role_changes(session, clerk, people, size: int) -> None:
    from datetime import date

    from portal.people.models import RoleChange

    for person in people[: max(2, size // 20)]:
        session.add(
            RoleChange(
                person_id=person.id,
                kind="grant",
                role="hr",
                effective_on=date.today(),
                lapses_on=date(2099, 1, 1),
                status="pending",
                proposed_by_id=clerk.id,
            )
        )


def _disciplinary_cases(session, clerk, people, size: int) -> None:
    from portal.conduct import service as conduct
    from portal.policies.service import get_policy

    policy = get_policy(session, "test-policy")
    # Only those the council employs can be the subject of a disciplinary case.
    employed = [p for p in people if p.engagement_type in ("employee", "temporary", "bank")]
    for person in employed[: max(2, size // 20)]:
        case = conduct.open_case(
            session,
            clerk,
            conduct.Allegation(
                subject=person,
                allegation="Posted about a resident",
                incident_date=date.today(),
                policy=policy,
                sections=["3.2"],
                investigating_officer=clerk,
            ),
        )
        conduct.add_meeting(session, clerk, case, held_on=date.today(), title="Meeting", notes="Notes")
    session.commit()


def _breach_records(session, clerk, people, size: int) -> None:
    from portal.breaches import service as breaches
    from portal.policies.service import get_policy

    policy = get_policy(session, "test-policy")
    # Everyone the council does not employ: councillors, volunteers, agency staff...
    others = [p for p in people if p.engagement_type not in ("employee", "temporary", "bank")]
    for person in others[: max(2, size // 20)]:
        breaches.open_record(
            session,
            clerk,
            breaches.Concern(
                subject=person,
                allegation="Posted about a resident",
                incident_date=date.today(),
                policy=policy,
                sections=["3.2"],
                handler=clerk,
            ),
        )
    session.commit()


def _information_requests(session, people, channel, size: int) -> None:
    from datetime import datetime

    from portal.clock import LONDON
    from portal.information_requests import service as requests

    for number, person in enumerate(people[: max(2, size // 20)]):
        kind = "subject_access" if number % 2 else "foi"
        requests.log_request(
            session, person, requests.Arrival(kind, channel.id, "", datetime.now(LONDON), "@someone", "Words")
        )
    session.commit()


def _business_cases(session, clerk, people, departments, size: int) -> None:
    """Cases in every state, as many as a tenth of the council; the first is a draft."""
    from portal.business_cases import review, service
    from portal.business_cases.risk import current_matrix
    from tests.business_cases.helpers import complete_case

    deputy = make_person(session, roles={Role.DEPUTY_CLERK})
    moderators = [clerk, deputy]
    for number in range(max(3, size // 10)):
        case = complete_case(session, clerk, departments[number % 4], moderators)
        service.add_action(
            session, clerk, case, case.risks[0], description="Guide", owner_id=clerk.id, due_on=date.today()
        )
        if number == 0:
            continue
        service.submit(session, clerk, case, current_matrix())
        if number % 2:
            review.start_review(session, deputy, case)
    session.commit()


PAGES = [
    "/",
    "/account",
    "/people",
    "/people?status=all&q=person",
    "/people/{someone}",
    "/people/{someone}/edit",
    "/people/{someone}/leave",
    "/people/new",
    "/people/import",
    "/people/departments",
    "/people/roles",
    "/audit",
    "/audit?action=test.activity",
    "/accessibility",
    "/policies",
    "/policies/test-policy",
    "/policies/test-policy/versions",
    "/policies/status",
    "/policies/status?status=current",
    "/policies/status?q=person&department=&status=due&page=2",
    "/policies/as-at?person_email={email}&policy=test-policy&on=2026-11-21",
    "/receipts/verify",
    "/training",
    "/training/quizzes/basics",
    "/training/progress",
    "/training/progress?q=person&status=to_do&page=2",
    "/training/analysis",
    "/training/analysis.csv",
    "/authorisations",
    "/authorisations?q=person&page=2",
    "/authorisations/register.csv",
    "/authorisations/register.csv?q=person",
    "/authorisations/requests",
    "/authorisations/requests?q=person&status=requested&page=2",
    "/authorisations/1",
    "/authorisations/new",
    "/authorisations/new?q=person",
    "/authorisations/channels",
    "/verify/not-a-real-code",
    "/outbox",
    "/outbox?status=queued",
    "/outbox?status=queued&q=council&page=2",
    "/account/notifications",
    "/privacy/subject-access",
    # {subject}: someone with a record of every kind (a quiz attempt, an authorisation, a
    # disciplinary case, an email, events) at both sizes, so that each section is read.
    "/privacy/subject-access/{subject}",
    "/privacy/subject-access/{subject}.json",
    "/conduct",
    "/conduct/new",
    "/conduct/1",
    "/breaches",
    "/retention",
    "/breaches/new",
    "/breaches/1",
    "/information-requests",
    "/information-requests?status=all",
    "/information-requests/new",
    "/information-requests/1",
    "/elections",
    "/elections/new",
    "/elections/1",
    "/business-cases",
    "/business-cases?q=department&status=draft&page=2",
    "/business-cases/new",
    "/business-cases/1",
    "/business-cases/1/details",
    "/business-cases/1/moderation",
    "/business-cases/1/risks/new",
    "/business-cases/1/risks/1",
    "/business-cases/2/submissions/1",
    "/business-cases/2/decide",
]


def _count_queries(app, client, session, queries, size: int) -> dict[str, int]:
    with app.app_context():
        people, clerk = _council(session, size)
    client.sign_in_as(clerk)
    counts = {}
    for page in PAGES:
        url = page.format(
            someone=people[-1].id, subject=people[0].id, email=people[-1].email.replace("@", "%40")
        )
        client.get(url)  # warm up: first-request work is not the page's
        queries.reset()
        response = client.get(url)
        assert response.status_code == 200, url
        counts[page] = queries.count
    return counts


def test_query_counts_do_not_grow_with_the_council(app, client, session, queries, database_url):
    small = _count_queries(app, client, session, queries, 5)
    session.close()
    empty_database(database_url)
    large = _count_queries(app, client, session, queries, 200)
    grew = {page: (small[page], large[page]) for page in PAGES if large[page] != small[page]}
    assert grew == {}, f"queries grew with the data (5 people, 200 people): {grew}"
