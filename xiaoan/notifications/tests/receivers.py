"""A real HTTP server in a thread that answers as a WeCom or DingTalk group robot does, and
the worker run in the test's process against the test database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

SECRET = "SECtest0123456789"


@dataclass
class Robot:
    """What the robot received, and what it answers next (HTTP status, errcode) — the last
    answer repeats."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    answers: list[tuple[int, int]] = field(default_factory=lambda: [(200, 0)])
    secret: str = ""  # set: check DingTalk's signature as DingTalk does

    def next_answer(self) -> tuple[int, int]:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def signature_problem(self, query: dict[str, list[str]]) -> str:
        if not self.secret:
            return ""
        try:
            timestamp = int(query["timestamp"][0])
            sign = query["sign"][0]
        except (KeyError, ValueError):
            return "no timestamp or sign"
        if abs(time.time() * 1000 - timestamp) > 3600 * 1000:
            return "timestamp out of range"
        to_sign = f"{timestamp}\n{self.secret}".encode()
        expected = base64.b64encode(
            hmac.new(self.secret.encode(), to_sign, hashlib.sha256).digest()
        ).decode()
        return "" if hmac.compare_digest(sign, expected) else "bad sign"


def start_robot(robot: Robot) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parsed = urllib.parse.urlparse(self.path)
            # parse_qs decodes the url-encoded sign (+ and / of base64 included).
            query = urllib.parse.parse_qs(parsed.query)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            problem = robot.signature_problem(query)
            status, errcode = (200, 310000) if problem else robot.next_answer()
            if problem:
                robot.refused.append(problem)
            elif status == 200 and errcode == 0:
                robot.received.append({"path": parsed.path, "query": query, "body": body})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps({"errcode": errcode, "errmsg": problem or "ok"}).encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    robot.url = f"http://127.0.0.1:{server.server_address[1]}/robot/send?access_token=abc"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_worker() -> None:
    """The database worker of django_tasks_db, in batch mode: every ready task, then return."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def database_for_other_processes(tmp_path) -> tuple[str, str]:
    """A DATABASE_URL other processes reach with the test's committed data, and the SQLite
    file to read the result from (empty on PostgreSQL, which they share as it is)."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user, password = settings["USER"], settings.get("PASSWORD") or ""
        credentials = f"{user}:{password}" if password else user
        return (
            f"postgres://{credentials}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
            "",
        )
    # The test database lives in memory: copy it to a file the workers open.
    path = tmp_path / "workers.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    return f"sqlite:///{path}", str(path)
