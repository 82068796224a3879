"""The built wheel on its own: installed into a fresh virtual environment outside the
checkout, it migrates a database and serves under gunicorn (README, "Deploying").

It builds and installs a whole environment (about a minute with pip's cache), so it runs
when PORTAL_TEST_WHEEL is set, as `.ci/run` sets it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT

pytestmark = pytest.mark.skipif(
    not os.environ.get("PORTAL_TEST_WHEEL"),
    reason="the wheel test needs PORTAL_TEST_WHEEL=1 (.ci/run sets it)",
)


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(  # noqa: S603 (our own tools, fixed arguments)
        [str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
        return response.status, response.read()


def test_the_wheel_installs_migrates_and_serves_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run(
        sys.executable, "-m", "pip", "wheel", PROJECT_ROOT, "--no-deps", "--quiet", "-w", wheels, cwd=tmp_path
    )
    [wheel] = wheels.glob("council_policy_portal-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "portal/templates/base.html",
        "portal/migrations/env.py",
        "portal/migrations/alembic.ini",
        "portal/quizzes/quizzes.yaml",
        "portal/auth/common_passwords.txt",
        "portal/static/build/portal.css",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "bench/"))]

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    # As a server installs it (README, "Deploying"): the application's exact versions.
    _run(
        venv / "bin" / "pip",
        "install",
        "--quiet",
        "-r",
        PROJECT_ROOT / "requirements.lock",
        wheel,
        cwd=tmp_path,
    )

    site = tmp_path / "site"  # somewhere that is not the checkout
    site.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "PORTAL_DATABASE_URL": f"sqlite:///{site / 'portal.sqlite3'}",
        "PORTAL_SECRET_KEY": "w" * 40,
    }
    _run(venv / "bin" / "flask", "--app", "portal", "db", "upgrade", cwd=site, env=env)
    assert (site / "portal.sqlite3").exists()

    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            str(venv / "bin" / "gunicorn"),
            *("-c", "python:portal.gunicorn_conf"),  # the settings the wheel ships
            *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
            "portal:create_app()",
        ],
        cwd=site,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, _ = _get(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer")
        assert status == 200
        status, page = _get(f"{base}/sign-in")  # a template, from inside the package
        assert status == 200 and b"Sign in" in page
        assert _get(f"{base}/static/build/portal.css")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
