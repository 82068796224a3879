"""A question may be asked only of people the policies it cites bind.

Why: the Networking Policy (Scope) binds the council's employees and those working on its
behalf, not its councillors; teaching a councillor its rules as if they applied would be
false, and a wrong answer recorded against them would be no evidence of anything. Whom a
policy binds is data on each of its versions (who must sign it), so the check reads the
scope of each policy's current version from the database: the wording people sign now.
A policy with no version in force binds nobody, and its citations are refused elsewhere
(a citation must name a published section).

The one exception: a question about a duty the policy gives to a named role, such as the
Mayor's written authorisations under the Networking Policy 3.2. Such a question declares
the role (`duty_of: mayor`) and is asked only of holders of that role.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.people.models import Role
from portal.policies.service import Scope, current_version, load_policies
from portal.training.bank_files import Bank, Problem, line_of

ROLES = {r.value for r in Role}
REMEDY = (
    "cite a policy that binds them, narrow the audience, or declare duty_of for a role "
    "the policy gives a duty to"
)


def policy_scopes(session: Session) -> dict[str, Scope]:
    """Each policy's slug and whom its current version binds (loaded in one go with the
    versions, whatever the number of policies)."""
    return {
        policy.slug: Scope.of_version(version)
        for policy in load_policies(session)
        if (version := current_version(policy)) is not None
    }


def outside(engagements: set[str], roles: set[str], scope: Scope) -> str | None:
    """Who in an audience (engagement types, and roles if any: holders of any of them) the
    scope does not bind, in words; None if it binds them all."""
    beyond = sorted(engagements - {e.value for e in scope.engagements})
    if beyond:
        return ", ".join(beyond)
    limited_to = {r.value for r in scope.roles}
    if limited_to and (not roles or roles - limited_to):
        return "people who hold none of the roles " + ", ".join(sorted(limited_to))
    return None


def check_scope(bank: Bank, scopes: dict[str, Scope]) -> list[Problem]:
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
            unbound = outside(engagements, roles, scopes[policy]) if policy in scopes else None
            if unbound and duty_of is None:
                problems.append(
                    Problem(
                        file,
                        line_of(item, "audience"),
                        f"the audience includes {unbound}, whom policy '{policy}' does not bind; {REMEDY}",
                    )
                )
    return problems
