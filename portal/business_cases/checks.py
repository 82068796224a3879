"""What stops a business case from being submitted: every gap, listed at once.

Networking Policy 3.4 asks for a fully risk-assessed case and moderation inside the
council on all five working days. A draft may be saved with gaps (nothing typed is
lost); submission lists every one that is left, and the case stays a draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.people.models import EngagementType, Person

from .models import BusinessCase, RiskItem
from .risk import BAND_LABELS, RiskMatrix
from .sections import RISK_CATEGORIES, STARTING_RISKS, TEXT_SECTIONS, WEEKDAYS

# Moderation must be done within the council (3.4): the council's own staff.
# Contractors, agency staff, volunteers, honorary posts and councillors do not count.
COUNCIL_STAFF = frozenset(
    {EngagementType.EMPLOYEE, EngagementType.TEMPORARY, EngagementType.BANK, EngagementType.SECONDMENT}
)


def may_moderate(person: Person) -> bool:
    return person.is_active and person.engagement in COUNCIL_STAFF


@dataclass(frozen=True)
class Gap:
    message: str
    part: str  # "details", "moderation" or "risks": the page that fixes it
    risk_id: int | None = None
    # A risk with nothing assessed yet: one gap for the risk, not one for each of its fields.
    unassessed: bool = False


@dataclass(frozen=True)
class RiskScores:
    """The four numbers of a risk item, whichever are filled in."""

    inherent_likelihood: int | None
    inherent_impact: int | None
    residual_likelihood: int | None
    residual_impact: int | None
    controls: str
    acceptance_justification: str

    @classmethod
    def of(cls, item: RiskItem) -> RiskScores:
        return cls(
            item.inherent_likelihood,
            item.inherent_impact,
            item.residual_likelihood,
            item.residual_impact,
            item.controls,
            item.acceptance_justification,
        )


def risk_quality_problems(scores: RiskScores, matrix: RiskMatrix) -> list[tuple[str, str]]:
    """(field, message) for each quality rule the scores break. Checked when an item is
    saved and again at submission, so the register can never be submitted inconsistent."""
    inherent_likelihood, inherent_impact = scores.inherent_likelihood, scores.inherent_impact
    residual_likelihood, residual_impact = scores.residual_likelihood, scores.residual_impact
    if inherent_likelihood is None or inherent_impact is None:
        return []
    if residual_likelihood is None or residual_impact is None:
        return []
    inherent = matrix.score(inherent_likelihood, inherent_impact)
    residual = matrix.score(residual_likelihood, residual_impact)
    problems = []
    if residual > inherent:
        problems.append(
            ("residual_likelihood", "The residual risk cannot be higher than the risk before controls")
        )
    elif residual < inherent and not scores.controls.strip():
        problems.append(("controls", "Name at least one control: it is what lowers the risk"))
    if (
        matrix.band_of_score(residual) in ("high", "very_high")
        and not scores.acceptance_justification.strip()
    ):
        band = BAND_LABELS[matrix.band_of_score(residual)].lower()
        problems.append(("acceptance_justification", f"Explain why a {band} residual risk is acceptable"))
    return problems


def _risk_gaps(item: RiskItem, matrix: RiskMatrix) -> list[Gap]:
    label = RISK_CATEGORIES.get(item.category, item.category)
    missing = [
        what
        for what, present in (
            ("a description", item.description.strip()),
            ("the likelihood before controls", item.inherent_likelihood),
            ("the impact before controls", item.inherent_impact),
            ("the likelihood after controls", item.residual_likelihood),
            ("the impact after controls", item.residual_impact),
            ("a treatment", item.treatment),
            ("an owner", item.owner_id),
        )
        if not present
    ]
    if len(missing) == 7:
        return [Gap(f"Assess the risk “{label}”", "risks", item.id, unassessed=True)]
    gaps = [Gap(f"Risk “{label}”: give {what}", "risks", item.id) for what in missing]
    gaps += [
        Gap(f"Risk “{label}”: {message[0].lower()}{message[1:]}", "risks", item.id)
        for _field, message in risk_quality_problems(RiskScores.of(item), matrix)
    ]
    return gaps


def gaps_in(case: BusinessCase, matrix: RiskMatrix) -> list[Gap]:
    """Every reason the case cannot be submitted yet. Needs moderation (with people),
    risks and their owners loaded."""
    gaps: list[Gap] = []
    if not case.account_name.strip():
        gaps.append(Gap("Give the account's name or handle", "details"))
    if not case.web_address.startswith(("https://", "http://")):
        gaps.append(Gap("Give the account's web address, starting https://", "details"))
    gaps += [
        Gap(f"Write the “{s.label}” section", "details")
        for s in TEXT_SECTIONS
        if not getattr(case, s.key).strip()
    ]

    slots = {(slot.weekday, slot.duty): slot.person for slot in case.moderation}
    for weekday, day in enumerate(WEEKDAYS):
        for duty in ("moderator", "cover"):
            person = slots.get((weekday, duty))
            if person is None:
                gaps.append(Gap(f"{day}: name a {duty}", "moderation"))
            elif not person.is_active:
                gaps.append(Gap(f"{day}: {person.name} has left; name another {duty}", "moderation"))
            elif not may_moderate(person):
                gaps.append(
                    Gap(
                        f"{day}: {person.name} is {person.engagement.label.lower()} and cannot be {duty}: "
                        "moderation must be done by council staff",
                        "moderation",
                    )
                )
        moderator, cover = slots.get((weekday, "moderator")), slots.get((weekday, "cover"))
        if moderator is not None and cover is not None and moderator.id == cover.id:
            gaps.append(Gap(f"{day}: the cover must be someone other than the moderator", "moderation"))
    if case.removal_target_hours is None:
        gaps.append(Gap("State the target time for removing malicious comments", "moderation"))
    if not case.bank_holiday_cover.strip():
        gaps.append(Gap("Say how the account is moderated on bank holidays", "moderation"))
    logger = case.requests_logger
    if logger is None:
        gaps.append(Gap("Name who logs the information requests that arrive on the account", "moderation"))
    elif not logger.is_active:
        gaps.append(Gap(f"{logger.name} has left; name another to log information requests", "moderation"))

    # The council asks for every starting risk, its good practice as well as what 3.4
    # requires; the message says which, so nobody mistakes one for the other.
    assessed = {item.category for item in case.risks}
    gaps += [
        Gap(f"Assess the risk “{risk.label}” ({risk.basis.phrase})", "risks", unassessed=True)
        for risk in STARTING_RISKS
        if risk.category not in assessed
    ]
    for item in case.risks:
        gaps += _risk_gaps(item, matrix)
    return gaps


@dataclass(frozen=True)
class GapGroup:
    """Gaps that one page fixes, shown as one line with a link: "8 risks not yet
    assessed" rather than seven lines for each of them."""

    heading: str
    part: str  # "details", "moderation", "risks" (the risk table) or "risk" (one risk's page)
    gaps: tuple[Gap, ...]
    risk_id: int | None = None

    @property
    def listed(self) -> tuple[Gap, ...]:
        """The gaps worth listing under the heading. Of the unassessed risks, only the
        starting risks taken out of the register: the others are rows of the risk table,
        each with its own link to assess it."""
        return tuple(g for g in self.gaps if g.risk_id is None) if self.part == "risks" else self.gaps


def _things(count: int) -> str:
    return f"{count} thing{'' if count == 1 else 's'} to complete"


def gap_groups(gaps: list[Gap]) -> list[GapGroup]:
    """The gaps in the order of the case page: its account and sections, the moderation
    plan, the risks nobody has assessed yet, then each risk that is partly assessed."""
    groups: list[GapGroup] = []
    for part, title in (
        ("details", "The account and its written sections"),
        ("moderation", "The moderation plan"),
    ):
        found = tuple(g for g in gaps if g.part == part)
        if found:
            groups.append(GapGroup(f"{title}: {_things(len(found))}", part, found))
    unassessed = tuple(g for g in gaps if g.part == "risks" and g.unassessed)
    if unassessed:
        count = len(unassessed)
        groups.append(
            GapGroup(f"{count} risk{'' if count == 1 else 's'} not yet assessed", "risks", unassessed)
        )
    partly: dict[int | None, list[Gap]] = {}
    for gap in gaps:
        if gap.part == "risks" and not gap.unassessed:
            partly.setdefault(gap.risk_id, []).append(gap)
    for risk_id, of_risk in partly.items():
        name = of_risk[0].message.split(":", 1)[0]
        groups.append(GapGroup(f"{name}: {_things(len(of_risk))}", "risk", tuple(of_risk), risk_id))
    return groups
