"""`make bench`: every benchmark, on SQLite and (with PORTAL_BENCH_POSTGRES_URL) PostgreSQL.

Results are written to bench/results/ as JSON and Markdown. The run fails if any
target is missed. Targets are ratios against a baseline measured in the same run,
because timings on shared machines are noisy.
"""

from __future__ import annotations

import sys

from bench import authorisations, foundation, pages, policies, reports, training


def main() -> int:
    missed = []
    for suite in (foundation, policies, training, authorisations, reports, pages):
        report = suite.run()
        report.write()
        print(f"# {report.title}\n")
        print("\n".join(report.lines))
        missed.extend(report.missed)
    if missed:
        print("targets missed:\n  " + "\n  ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
