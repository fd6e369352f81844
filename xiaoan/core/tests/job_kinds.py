"""Job kinds for the tests of `core.jobs` (named by their dotted path, as real kinds are)."""

from __future__ import annotations

import time

from xiaoan.core.errors import Invalid
from xiaoan.core.jobs import Output


def slow_count(job, progress):
    progress(40, "halfway")
    time.sleep(job.params.get("seconds", 0))
    return Output(f"counted {job.params.get('n', 0)}", "count.txt", b"42")


def refused(job, progress):
    raise Invalid("这份材料无法生成：活动已删除。")


def broken(job, progress):
    raise RuntimeError("disk full")
