"""A question may be asked only of people the policies it cites bind.

Why: the Networking Policy (Scope) binds the council's employees and those working on its
behalf, not its councillors; teaching a councillor its rules as if they applied would be
false, and a wrong answer recorded against them would be no evidence of anything. Each
policy's scope is data on the policy (who must sign it), so the check reads it from the
database.

The one exception: a question about a duty the policy gives to a named role, such as the
Mayor's written authorisations under the Networking Policy 3.2. Such a question declares
the role (`duty_of: mayor`) and is asked only of holders of that role.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.people.models import Role
from portal.policies.service import load_policies
from portal.training.bank_files import Bank, Problem, line_of

ROLES = {r.value for r in Role}


def policy_scopes(session: Session) -> dict[str, set[str]]:
    """Each policy's slug and the engagement types it binds."""
    return {p.slug: set(p.applies_to_engagements) for p in load_policies(session)}


def check_scope(bank: Bank, scopes: dict[str, set[str]]) -> list[Problem]:
    problems: list[Problem] = []
    for file, item in bank.questions:
        if item.get("status") == "retired":
            continue
        audience = item.get("audience") or {}
        engagements = set(audience.get("engagements") or [])
        roles = set(audience.get("roles") or [])
        duty_of = item.get("duty_of")
        if duty_of is not None and (duty_of not in ROLES or roles != {duty_of}):
            problems.append(
                Problem(
                    file,
                    line_of(item, "duty_of"),
                    "duty_of must name one role, and the question's audience.roles must be exactly that role",
                )
            )
            continue
        for citation in item.get("citations") or []:
            policy = citation.get("policy") if isinstance(citation, dict) else None
            outside = sorted(engagements - scopes[policy]) if policy in scopes else []
            if outside and duty_of is None:
                problems.append(
                    Problem(
                        file,
                        line_of(item, "audience"),
                        f"the audience includes {', '.join(outside)}, whom policy '{policy}' does not bind; "
                        "cite a policy that binds them, narrow the audience, or declare duty_of for a role "
                        "the policy gives a duty to",
                    )
                )
    return problems
