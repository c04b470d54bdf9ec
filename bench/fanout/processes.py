"""The servers as subprocesses: started in their own process groups, always stopped."""

import math
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Processes:
    """A context manager; on exit it stops every process it started, last started first."""

    def __init__(self, logs: Path, *, cwd: Path, env: dict[str, str]) -> None:
        self.logs = logs
        self.cwd = cwd
        self.env = env
        self.started: list[tuple[str, subprocess.Popen]] = []

    def __enter__(self) -> "Processes":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = self.log(name)
        with log.open("ab") as out:
            process = subprocess.Popen(
                argv, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.started.append((name, process))
        return process

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def stop_all(self) -> None:
        while self.started:
            _name, process = self.started.pop()
            stop(process)


def stop(process: subprocess.Popen, grace: float = 15) -> None:
    """SIGTERM to the process group we started (pool workers too), then SIGKILL if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    def listening() -> bool:
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    wait_until(listening, process, log, timeout, f"port {port}")


def wait_for_log(text: str, process: subprocess.Popen, log: Path, *, count: int = 1, timeout: float = 60) -> None:
    """Until ``text`` appears ``count`` times in the process's log (e.g. once per worker)."""
    wait_until(lambda: log.read_text(errors="replace").count(text) >= count, process, log, timeout, repr(text))


def wait_until(condition, process: subprocess.Popen, log: Path, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise RuntimeError(f"{log.stem} exited ({process.returncode}) before {what}:\n{tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{log.stem} gave no {what} within {timeout:g} s:\n{tail(log)}")
        time.sleep(0.1)


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tree_pids(pid: int) -> list[int]:
    """A process and all its descendants, from /proc (gone ones left out)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        found.append(current)
        pending += [int(child) for child in children]
    return found


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and its descendants (uvicorn's master and workers)."""
    total = 0
    for current in tree_pids(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total


def tree_cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and all its descendants, from /proc."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # utime and stime are fields 14 and 15 of stat; fields[0] is field 3 (state).
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        pending += [int(child) for child in children]
    return total


class CpuMeter:
    """CPU seconds the server (its process tree) and the client (this process) spent since
    the meter was made, e.g. to price each delivered frame on both sides."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.server_start = tree_cpu_seconds(server_pid)
        self.client_start = time.process_time()

    def per_frame_us(self, frames: int) -> dict[str, float]:
        server = tree_cpu_seconds(self.server_pid) - self.server_start
        client = time.process_time() - self.client_start
        if not frames:
            return {"server_cpu_us_per_frame": math.nan, "client_cpu_us_per_frame": math.nan}
        return {"server_cpu_us_per_frame": server / frames * 1e6, "client_cpu_us_per_frame": client / frames * 1e6}
