"""The cluster test's load (`.ci/cluster`): 300 school administrators each submit their
monthly report once, in the same minute, through the API, while 50 users keep reading their
ledger and home page through the pages. Every request must succeed; `.ci/cluster` then
checks that each school's report arrived exactly once.

Run by locust in its own process (`locust -f benchmarks/_cluster_locust.py --headless …`);
the accounts come from `benchmarks/_cluster_setup.py`."""

from __future__ import annotations

import itertools
import os
import re
import threading

from locust import HttpUser, between, constant, events, task

PASSWORD = "Load-test-2014"
YEAR, MONTH = (int(part) for part in os.environ.get("CLUSTER_MONTH", "2026-11").split("-"))
_reporters = itertools.count(1)
_readers = itertools.count(1)
_lock = threading.Lock()
submitted: list[int] = []
with open(os.environ["CLUSTER_TOKENS"]) as _file:
    TOKENS = _file.read().split()


def _next(counter: itertools.count) -> int:
    with _lock:
        return next(counter)


class Reporter(HttpUser):
    """A school's safety administrator's phone: with its token, the month's report opened and
    sent."""

    fixed_count = 300
    wait_time = constant(600)  # one report each, then idle until the test ends

    def on_start(self) -> None:
        self.client.verify = False
        self.login = _next(_reporters)

    @task
    def submit_monthly_report(self) -> None:
        if self.login in submitted:
            return
        headers = {"Authorization": f"Token {TOKENS[self.login - 1]}"}
        report = self.client.post(
            "/api/v1/monthly-reports/",
            json={"year": YEAR, "month": MONTH},
            headers=headers,
            name="POST /api/v1/monthly-reports/",
        ).json()
        answer = self.client.post(
            f"/api/v1/monthly-reports/{report['id']}/submit/",
            json={"version": report.get("version")},
            headers=headers,
            name="POST /api/v1/monthly-reports/{id}/submit/",
        )
        if answer.ok:
            with _lock:
                submitted.append(self.login)


class Reader(HttpUser):
    """A school user reading: signed in through the login page, then the ledger and home."""

    fixed_count = 50
    wait_time = between(1, 2)

    def on_start(self) -> None:
        self.client.verify = False
        login = f"load{300 - _next(_readers) + 1:03d}"
        page = self.client.get("/accounts/login/", name="GET /accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"
        self.client.post(
            "/accounts/login/",
            data={"username": login, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="POST /accounts/login/",
        )

    @task(2)
    def ledger(self) -> None:
        self.client.get("/hazards/", name="GET /hazards/")

    @task(1)
    def home(self) -> None:
        self.client.get("/", name="GET /")


@events.quitting.add_listener
def _report(environment: object, **_kwargs: object) -> None:
    print(f"cluster: {len(submitted)} reports submitted by the load")
