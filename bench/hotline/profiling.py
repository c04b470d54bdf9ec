"""py-spy on the server during the measured phase, and a text summary of where time went.

Two modes: ``cpu`` samples only the thread holding the GIL (py-spy's ``--gil``), that is
where Python's CPU goes; ``wall`` (``--idle``) samples every thread, waiting ones too,
since for latency the time a request spends waiting (for a database connection, on the
exercise lock, on the event loop) counts as much as time on a CPU. Samples are kept per
thread (``--threads``); the summary gives, per kind of thread, the share of samples in
which each function is on the stack (inclusive) and at the top of it (self).
"""

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bench.fanout.processes import Processes

# py-spy is installed beside the Python that runs the benchmark (pip install py-spy).
PY_SPY = Path(sys.executable).with_name("py-spy")
OWN = re.compile(r"\((exercise|players|config|realtime|facilitator)/")


def start(
    procs: Processes, pid: int, output: Path, *, seconds: float, subprocesses: bool, wall: bool
) -> subprocess.Popen:
    """py-spy for ``seconds``; ``wall`` counts waiting threads too, else only the thread
    holding the GIL (py-spy cannot tell that a thread in psycopg's wait is idle)."""
    argv = [str(PY_SPY), "record", "--pid", str(pid), "--format", "raw", "--output", str(output)]
    argv += ["--duration", str(round(seconds)), "--rate", "100", "--threads", "--nolineno", "--nonblocking"]
    argv += ["--idle"] if wall else ["--gil"]
    return procs.start("py-spy", [*argv, "--subprocesses"] if subprocesses else argv)


def wait(procs: Processes, timeout: float) -> None:
    """Until py-spy has written its samples (it stops by itself after its duration)."""
    for name, process in procs.started:
        if name == "py-spy":
            process.wait(timeout=timeout)


def summarise(raw: Path, *, top: int = 30) -> str:
    """Per kind of thread (the event loop; the threads running Django's sync code), the
    functions most often on the stack and at its top, as percentages of its samples, and
    Parley's own functions on their own."""
    inclusive: dict[str, Counter] = defaultdict(Counter)
    leaf: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        kind = "event loop (MainThread)" if "MainThread" in frames[0] else "sync threads (requests, database calls)"
        calls, samples = frames[1:], int(count)
        totals[kind] += samples
        for call in set(calls):
            inclusive[kind][call] += samples
        if calls:
            leaf[kind][calls[-1]] += samples
    parts = []
    for kind, total in totals.most_common():
        ours = [(call, n) for call, n in inclusive[kind].most_common() if OWN.search(call)]
        parts += [f"## {kind}: {total} samples", "inclusive:"]
        parts += [f"  {100 * n / total:5.1f}%  {call}" for call, n in inclusive[kind].most_common(top)]
        parts += ["Parley's functions, inclusive:", *(f"  {100 * n / total:5.1f}%  {call}" for call, n in ours[:top])]
        parts += ["self:", *(f"  {100 * n / total:5.1f}%  {call}" for call, n in leaf[kind].most_common(top))]
    return "\n".join(parts)
