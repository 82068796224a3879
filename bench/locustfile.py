"""Locust users for bench/reports.py: the Town Clerk reading the overview, with the bare
endpoint in the same task set so both are measured under the same load."""

from __future__ import annotations

import os
import re

from locust import HttpUser, constant, task


class Clerk(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        page = self.client.get("/sign-in", name="sign-in").text
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        self.client.post(
            "/sign-in",
            {
                "csrf_token": token,
                "email": os.environ["BENCH_EMAIL"],
                "password": os.environ["BENCH_PASSWORD"],
            },
            name="sign-in",
        )

    @task
    def bare(self) -> None:
        self.client.get("/healthz", name="/healthz")

    @task
    def overview(self) -> None:
        self.client.get("/reports", name="/reports")

    @task
    def overdue(self) -> None:
        self.client.get("/reports?status=overdue", name="/reports?status=overdue")

    @task
    def department(self) -> None:
        self.client.get("/reports?department=2&page=3", name="/reports?department&page")
