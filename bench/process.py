"""One whole process, as every benchmark here measures it."""

from __future__ import annotations

import os
import subprocess
import time
from typing import NamedTuple


class Run(NamedTuple):
    wall: float  # seconds
    peak: float  # MiB of resident memory: wait4 reads this child's own peak
    out: str  # stdout, when asked for
    status: int


def run(argv: list[str], env: dict[str, str], *, capture: bool = False) -> Run:
    """Run argv to its end; stderr is discarded, stdout too unless `capture`."""
    start = time.perf_counter()
    stdout = subprocess.PIPE if capture else subprocess.DEVNULL
    process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL, env=env)
    out = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return Run(wall, usage.ru_maxrss / 1024, out.decode(), os.waitstatus_to_exitcode(status))
