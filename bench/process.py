"""One whole process, as every benchmark here measures it."""

from __future__ import annotations

import fcntl
import os
import statistics
import struct
import subprocess
import termios
import time
from typing import NamedTuple


class Run(NamedTuple):
    wall: float  # seconds
    peak: float  # MiB of resident memory: wait4 reads this child's own peak
    out: str  # stdout, when asked for
    status: int


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median wall time and the median peak memory of (wall, peak) runs."""
    return statistics.median(w for w, _ in runs), statistics.median(p for _, p in runs)


# what a person's terminal gives rich: a colour terminal, 100 columns wide
# no pager: a table on a pseudo-terminal is measured as drawn, not as less shows it
TERMINAL = {"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "50", "POSTTRACK_PAGER": ""}


def run(
    argv: list[str], env: dict[str, str], *, capture: bool = False, terminal: bool = False
) -> Run:
    """Run argv to its end; stderr is discarded, stdout too unless `capture`.

    With `terminal`, stdout is a pseudo-terminal read to its end, and colour is on
    (NO_COLOR is dropped), so that a table is measured as a person sees it drawn.
    """
    if terminal:
        return _on_a_terminal(argv, env, capture)
    start = time.perf_counter()
    stdout = subprocess.PIPE if capture else subprocess.DEVNULL
    process = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL, env=env)
    out = process.stdout.read() if process.stdout else b""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    return Run(wall, usage.ru_maxrss / 1024, out.decode(), os.waitstatus_to_exitcode(status))


def _on_a_terminal(argv: list[str], env: dict[str, str], capture: bool) -> Run:
    leader, follower = os.openpty()
    size = struct.pack("HHHH", int(TERMINAL["LINES"]), int(TERMINAL["COLUMNS"]), 0, 0)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, size)
    colour = {k: v for k, v in env.items() if k != "NO_COLOR"} | TERMINAL
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=follower, stderr=subprocess.DEVNULL, env=colour)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # EIO: the child has closed its end
            break
        if not chunk:
            break
        if capture:
            chunks.append(chunk)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    os.close(leader)
    out = b"".join(chunks).decode()
    return Run(wall, usage.ru_maxrss / 1024, out, os.waitstatus_to_exitcode(status))
