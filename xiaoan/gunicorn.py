"""gunicorn's settings for Xiao'an (docs/deployment.md): `gunicorn -c python:xiaoan.gunicorn
xiaoan.wsgi`. Each can be changed by its environment variable or on the command line.

- Two workers per core: a request spends about as long waiting for PostgreSQL as computing
  (`python -m benchmarks throughput`: 20-40 ms of CPU in 50-100 ms), so two keep a core busy.
- A minute before a worker is killed: the slowest page answered in the web request, the PDF of a
  district's report near `BACKGROUND_DOCUMENT_SCHOOLS`, takes a few seconds (larger scopes
  run on the queue); 30 s (gunicorn's default) killed a statistics dashboard of a million hazards
  under load before its figures were stored, losing the answer.
- Drains for 30 s on SIGTERM (a restart, a deploy): requests under way are finished.
- A worker is replaced after about 2,000 requests, so no process grows for ever.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * multiprocessing.cpu_count())))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
keepalive = 5  # behind nginx, which keeps its connections to the app server open
