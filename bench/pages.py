"""Every HTML page of a district-sized council, in-process and under gunicorn.

The bench council of bench/reports.py (5,000 people, 10 policies, 50,000 signatures,
100,000 quiz attempts, 2,000 authorisations), with one record of every kind on top
(tests/everything.py) so that every page has something to show.

In-process: every HTML GET route in the access table (tests/test_access.py), for every
role allowed to see it and for the owner of a record, with a warm cache. Each page's
median time is compared with the bare /healthz endpoint's, timed between the pages in
the same run; each page must also stay small.

Under gunicorn: the main pages of a new starter and of the Town Clerk, each driven by
CONNECTIONS clients for SECONDS, against a bare Flask page that runs one query, served
by the same gunicorn settings in the same run. Throughput is compared, and no request
may time out.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from types import SimpleNamespace

from bench.common import Report, databases
from bench.training import Browser, _free_port

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = 5  # timings of each page, after one to warm it up
TIME_RATIO_TARGET = 50.0  # a page's median ÷ /healthz's median, in-process
SIZE_TARGET_KB = 300
THROUGHPUT_RATIO_TARGET = 0.15  # a main page's requests a second ÷ the bare page's
WORKERS, THREADS = 2, 4
CONNECTIONS, SECONDS = 8, 10
# Driven untimed first, so that every worker has built what it keeps (a whole council's
# statuses, once per change): throughput is the steady state a council lives in.
WARM_SECONDS = 5
TIMEOUT_SECONDS = 10
HTML = "text/html"
NEW_STARTER, CLERK = "nina.foster@ashcombe-tc.example", "clerk@ashcombe-tc.example"
MAIN_PAGES = {
    NEW_STARTER: ["/", "/policies", "/training", "{question}"],
    CLERK: ["/", "/reports", "/authorisations", "/business-cases", "/policies/status"],
}


# In-process -----------------------------------------------------------------------------


def _cast(app, session):  # type: ignore[no-untyped-def]
    """One of everything, and a visitor with each role (and none), as tests/test_access.py."""
    from portal.authorisations.service import add_channel
    from portal.people.models import Role
    from tests.everything import one_of_everything, role_change
    from tests.factories import make_person

    everything = one_of_everything(app, session)
    spare = add_channel(
        session, everything.clerk, platform="x", name="@old", url="https://x.example/o", basis="Minute 24/001"
    )
    session.commit()
    ids = {
        **everything.ids,
        "code": everything.issued.verification_code,
        "channel": spare.id,
        "person": everything.subject.id,
        "role_change": role_change(session, everything.clerk, everything.subject),
    }
    visitors = {"staff": make_person(session, roles=set())}
    visitors |= {role.value: make_person(session, roles={role}) for role in Role}
    return ids, visitors, everything.subject


def _timed(client, url: str) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = client.get(url)
    return time.perf_counter() - started, response


def _people(app, cast: dict) -> tuple[dict[str, SimpleNamespace], SimpleNamespace]:  # type: ignore[no-untyped-def]
    """Plain copies of the visitors (id and session token, all that signing in needs): an
    open session would hold SQLite's write lock that the pages need."""
    from portal.db import database
    from portal.people.models import Person

    with database(app).session_factory() as session:

        def plain(person_id: int) -> SimpleNamespace:
            person = session.get(Person, person_id)
            assert person is not None
            return SimpleNamespace(id=person.id, session_token=person.session_token)

        return {label: plain(pid) for label, pid in cast["visitors"].items()}, plain(cast["subject"])


def _pages_for(visitor) -> list[str]:  # type: ignore[no-untyped-def]
    """The GET endpoints `visitor` may open (None: the owner of the records)."""
    from tests.test_access import EXPECTED, OWN_RECORD, _expected_status

    wanted = []
    for endpoint, (method, template, who) in EXPECTED.items():
        if method != "GET" or endpoint in ("static", "home.healthz"):
            continue
        if visitor is None:
            owned = who == OWN_RECORD or (isinstance(who, tuple) and who[0] == OWN_RECORD)
            if owned:
                wanted.append(template)
        elif _expected_status(method, who, visitor, endpoint) == {200}:
            wanted.append(template)
    return wanted


def _in_process(url: str, cast: dict) -> tuple[list[dict], float]:
    from portal import create_app
    from portal.config import Settings
    from tests.helpers import Client
    from tests.test_access import VISITORS

    app = create_app(Settings.from_environment(database_url=url, secret_key="b" * 40))
    people, owner = _people(app, cast)
    walks = [(v.label, people[v.label], v) for v in VISITORS if v.roles is not None]
    walks.append(("owner of the record", owner, None))
    bare: list[float] = []
    slowest: dict[str, dict] = {}  # page -> the slowest role's timing
    client = Client(app)
    for label, person, visitor in walks:
        client.sign_in_as(person)
        for template in _pages_for(visitor):
            path = template.format(**cast["ids"])
            _, response = _timed(client, path)  # warm: first-request work is not the page's
            if response.status_code != 200 or response.mimetype != HTML:  # type: ignore[attr-defined]
                continue  # an export, a PDF, or a page this record does not have
            times = []
            for _ in range(SAMPLES):
                bare.append(_timed(client, "/healthz")[0])
                elapsed, response = _timed(client, path)
                times.append(elapsed)
            row = {
                "page": path,
                "role": label,
                "median_ms": statistics.median(times) * 1000,
                "kb": len(response.data) / 1024,  # type: ignore[attr-defined]
            }
            if path not in slowest or row["median_ms"] > slowest[path]["median_ms"]:
                slowest[path] = row
    bare_ms = statistics.median(bare) * 1000
    rows = sorted(slowest.values(), key=lambda r: -r["median_ms"])
    for row in rows:
        row["ratio"] = round(row["median_ms"] / bare_ms, 1)
        row["median_ms"] = round(row["median_ms"], 1)
        row["kb"] = round(row["kb"], 1)
    return rows, bare_ms


# Under gunicorn --------------------------------------------------------------------------


def _gunicorn(target: str, url: str, port: int) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": "b" * 40}
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            *("--workers", str(WORKERS), "--threads", str(THREADS)),
            *("--bind", f"127.0.0.1:{port}", "--log-level", "warning", target),
        ],
        cwd=ROOT,
        env=environment,
    )
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn ({target}) did not start")


def _throughput(browsers: list[Browser], path: str, seconds: float = SECONDS) -> dict:
    """CONNECTIONS clients asking for `path` as fast as answers come, for `seconds`,
    after WARM_SECONDS of the same untimed."""
    if seconds == SECONDS:
        _throughput(browsers, path, WARM_SECONDS)
    done, failed = [0] * len(browsers), [0] * len(browsers)
    stop = time.perf_counter() + seconds

    def drive(n: int) -> None:
        while time.perf_counter() < stop:
            try:
                with browsers[n].opener.open(browsers[n].base + path, timeout=TIMEOUT_SECONDS) as response:
                    response.read()
                    if response.status == 200:
                        done[n] += 1
                    else:
                        failed[n] += 1
            except OSError:  # a timeout or a refused connection
                failed[n] += 1

    threads = [threading.Thread(target=drive, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"per_second": sum(done) / seconds, "failed": sum(failed)}


def _signed_in(base: str, email: str) -> list[Browser]:
    from portal.demo import DEMO_PASSWORD

    browsers = []
    for _ in range(CONNECTIONS):
        browser = Browser(base)
        browser.get("/sign-in")
        browser.post("/sign-in", {"email": email, "password": DEMO_PASSWORD})
        browsers.append(browser)
    return browsers


def _question(browser: Browser) -> str:
    """The new starter's onboarding quiz started: the path of the question it opens on."""
    browser.get("/training/quizzes/onboarding")  # for the form's CSRF token
    payload = urllib.parse.urlencode({"csrf_token": browser.token}).encode()
    start = browser.base + "/training/quizzes/onboarding/start"
    with browser.opener.open(start, data=payload, timeout=60) as response:  # noqa: S310 (loopback only)
        response.read()
        return urllib.parse.urlparse(response.geturl()).path


def _bare_clients(port: int) -> list[Browser]:
    return [Browser(f"http://127.0.0.1:{port}") for _ in range(CONNECTIONS)]


def _under_gunicorn(url: str) -> tuple[list[dict], float]:
    bare_port, port = _free_port(), _free_port()
    bare_server = _gunicorn("bench.bare:app", url, bare_port)
    server = _gunicorn("wsgi:app", url, port)
    try:
        base = f"http://127.0.0.1:{port}"
        rows = []
        bare = [_throughput(_bare_clients(bare_port), "/one-query")]
        for email, pages in MAIN_PAGES.items():
            browsers = _signed_in(base, email)
            question = _question(browsers[0]) if email == NEW_STARTER else ""
            for page in pages:
                path = page.format(question=question)
                result = _throughput(browsers, path)
                rows.append({"who": email.split("@")[0], "page": path, **result})
            bare.append(_throughput(_bare_clients(bare_port), "/one-query"))
        bare_rate = statistics.median(b["per_second"] for b in bare)
        for row in rows:
            row["ratio"] = round(row["per_second"] / bare_rate, 3)
            row["per_second"] = round(row["per_second"], 1)
        return rows, bare_rate
    finally:
        for process in (server, bare_server):
            process.terminate()
            process.wait(timeout=30)


def run() -> Report:
    from bench.reports import _populate

    report = Report("pages", "Every page of a large council")
    report.lines.append(
        "The bench council (5,000 people, 10 policies, 50,000 signatures, 100,000 attempts, 2,000 "
        f"authorisations) and one record of every kind. In-process: every HTML page for every role that may "
        f"see it, warm, median of {SAMPLES}, the slowest role's shown; target ≤ {TIME_RATIO_TARGET:g}× the "
        f"median of /healthz timed between them, and ≤ {SIZE_TARGET_KB} KB. Under gunicorn ({WORKERS} "
        f"workers × {THREADS} threads): {CONNECTIONS} clients for {SECONDS} s a page after {WARM_SECONDS} s "
        "untimed; target ≥ "
        f"{THROUGHPUT_RATIO_TARGET:g}× a bare Flask page running one query, and no request failing or timing out."
    )
    with databases() as targets:
        for label, url in targets:
            cast: dict = {}

            def add_everything(app, session, cast=cast):  # type: ignore[no-untyped-def]
                ids, visitors, subject = _cast(app, session)
                cast.update(ids=ids, visitors={k: v.id for k, v in visitors.items()}, subject=subject.id)

            _populate(url, add_everything)
            pages, bare_ms = _in_process(url, cast)
            report.lines += [
                "",
                f"## {label}: in-process (/healthz median {bare_ms:.2f} ms)",
                "",
                "| page | slowest role | median ms | × /healthz | KB |",
                "|---|---|---|---|---|",
            ]
            for row in pages:
                report.lines.append(
                    f"| {row['page']} | {row['role']} | {row['median_ms']} | {row['ratio']} | {row['kb']} |"
                )
                if row["ratio"] > TIME_RATIO_TARGET:
                    report.missed.append(f"{label} {row['page']}: {row['ratio']}× /healthz in-process")
                if row["kb"] > SIZE_TARGET_KB:
                    report.missed.append(f"{label} {row['page']}: {row['kb']} KB")
            served, bare_rate = _under_gunicorn(url)
            report.lines += [
                "",
                f"## {label}: under gunicorn (bare page {bare_rate:.0f} requests a second)",
                "",
                "| who | page | requests a second | × bare | failed or timed out |",
                "|---|---|---|---|---|",
            ]
            for row in served:
                report.lines.append(
                    f"| {row['who']} | {row['page']} | {row['per_second']} | {row['ratio']} | {row['failed']} |"
                )
                if row["ratio"] < THROUGHPUT_RATIO_TARGET or row["failed"]:
                    report.missed.append(
                        f"{label} {row['page']} under gunicorn: {row['ratio']}×, {row['failed']} failed"
                    )
            report.data.append(
                {
                    "database": label,
                    "healthz_ms": bare_ms,
                    "pages": pages,
                    "bare_per_second": bare_rate,
                    "served": served,
                }
            )
    return report


if __name__ == "__main__":
    result = run()
    result.write()
    print("\n".join(result.lines))
    if result.missed:
        print("targets missed:\n  " + "\n  ".join(result.missed))
