"""The written authorisation letter's rendering time, against a minimal one-page
WeasyPrint document rendered alternately in the same run. The letter is sealed (signed
with the council's certificate), so the target is at most 3x."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bench.common import Report, render_ratio, render_ratio_line

ROUNDS = 41
TARGET_RATIO = 3.0  # the letter is sealed: rendered and signed with the council's certificate


def run() -> Report:
    from portal import create_app
    from portal.authorisations.letters import render_letter
    from portal.authorisations.models import AuthorisationRequest, Channel
    from portal.config import Settings
    from portal.people.models import Person

    app = create_app(Settings.from_environment(database_url="sqlite://", secret_key="b" * 40))
    request = AuthorisationRequest(
        person=Person(name="Chloe Martin"),
        scope="Notices of council events only",
        conditions="Every post is checked by the office first",
        starts_on=date(2026, 11, 23),
        ends_on=date(2027, 5, 22),
        channels=[Channel(platform="facebook", name="Ashcombe Town Council", url="https://f.example")],
    )
    with app.app_context():
        result = render_ratio(
            lambda: render_letter(
                request,
                reference="PA-2026-0007",
                code="x" * 24,
                signer_name="Helen Marsh",
                signer_role="Town Clerk",
                signed_at=datetime.now(UTC),
            ),
            ROUNDS,
        )
    report = Report("authorisations", "Posting authorisation letters")
    report.data.append({**result, "target_ratio": TARGET_RATIO})
    report.lines.append(render_ratio_line("sealed letter (rendered and signed)", result, ROUNDS, TARGET_RATIO))
    if result["ratio"] > TARGET_RATIO:
        report.missed.append(f"letter rendering ratio {result['ratio']} > {TARGET_RATIO}")
    return report
