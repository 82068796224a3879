"""The lock files pin, exactly, a version of every dependency pyproject.toml names, within
its range: a range changed without `make lock` fails here rather than in production."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from portal.config import PROJECT_ROOT

PINNED = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", re.MULTILINE)


def _pins(name: str) -> dict[str, Version]:
    text = (PROJECT_ROOT / name).read_text(encoding="utf-8")
    return {canonicalize_name(found): Version(version) for found, version in PINNED.findall(text)}


def _declared(*extras: str) -> list[Requirement]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return [Requirement(line) for line in wanted]


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", ()), ("requirements-test.lock", ("test", "redis"))]
)
def test_every_dependency_is_pinned_within_its_range(lock: str, extras: tuple[str, ...]) -> None:
    pins = _pins(lock)
    for requirement in _declared(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {lock}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{lock} pins {requirement.name} {pins[name]}, outside {requirement.specifier}: run make lock"
        )


def test_the_applications_lock_holds_no_test_tool() -> None:
    """What a server installs (requirements.lock) is the application's alone."""
    pins = _pins("requirements.lock")
    assert not {"pytest", "playwright", "hypothesis"} & set(pins)
