"""Parley's production processes as test subprocesses: Celery worker and beat, uvicorn,
and a Redis server of the test's own, each in a session of its own, logging to a file
and stopped after the test whatever happened.

Loaded as a plugin by tests/conftest.py, so its fixtures serve every test folder.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests.conftest import require_service

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The interpreter running the tests, not a `celery` script whose first line may name another.
PYTHON = sys.executable
# Both pools pass the engine's tests; threads start faster and keep a worker to one process.
POOL = "threads"
STARTUP_TIMEOUT = 30.0
# The database connections of the processes a test starts go by this name.
SUBPROCESS_APPLICATION = "parley-under-test"


def wait_until(condition: Callable[[], bool], timeout: float, message: Callable[[], str] | str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(message() if callable(message) else message)
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Process:
    """A subprocess in a session of its own, logging to a file."""

    name: str
    popen: subprocess.Popen
    log: Path
    ready_line: str = ""

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def wait_for_log(self, needle: str, timeout: float = STARTUP_TIMEOUT, count: int = 1) -> None:
        def seen() -> bool:
            if not self.alive():
                pytest.fail(f"{self.name} exited with {self.popen.returncode}:\n{self.text()[-3000:]}")
            return self.text().count(needle) >= count

        wait_until(seen, timeout, lambda: f"{self.name} never logged {needle!r}:\n{self.text()[-3000:]}")

    def send(self, sig: int) -> None:
        """Signal the whole process group: the leader and any children (pool, workers)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def reap(self, timeout: float = 10) -> None:
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.send(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def kill(self) -> None:
        self.send(signal.SIGKILL)
        self.reap()

    def stop(self) -> None:
        self.send(signal.SIGTERM)
        self.reap()

    def succeeded(self, task: str) -> int:
        """How many runs of the Celery ``task`` this process logged as succeeded."""
        return sum(1 for line in self.text().splitlines() if f"Task {task}[" in line and " succeeded in " in line)

    def failures(self) -> list[str]:
        return [line for line in self.text().splitlines() if "raised unexpected" in line or "Traceback" in line]


def wait_ready(*processes: Process) -> None:
    """Each takes a second or two to start; launched together, they start in parallel."""
    for process in processes:
        process.wait_for_log(process.ready_line)


def launch(name: str, argv: list[str], *, env: dict[str, str], log: Path, ready_line: str = "") -> Process:
    with log.open("ab") as out:
        popen = subprocess.Popen(
            argv, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Process(name, popen, log, ready_line)


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Process]]:
    """Starts subprocesses; stops every one of them after the test, last started first.

    Fixtures that start them list the environment they need before ``spawn``, so that
    the processes stop before the services under them (a Redis of the test's own).
    """
    started: list[Process] = []

    def spawn(name: str, argv: list[str], *, env: dict[str, str], ready_line: str = "") -> Process:
        started.append(launch(name, argv, env=env, log=tmp_path / f"{name}-{len(started)}.log", ready_line=ready_line))
        return started[-1]

    yield spawn
    for process in reversed(started):
        process.send(signal.SIGTERM)
    for process in reversed(started):
        process.reap()


# --- Redis ---------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test may stop and restart:
    never the machine's Redis, which other suites use. Nothing is persisted, so a restart
    loses every key, as a Redis without persistence does."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.port = free_port()
        self.process: Process | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        argv = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = launch("redis", argv, env=dict(os.environ), log=self.log)
        wait_until(self.answers, STARTUP_TIMEOUT, lambda: f"redis-server never answered on port {self.port}")

    def stop(self) -> None:
        """Gone at once, as when the host or the container dies: SIGKILL, not a shutdown."""
        assert self.process is not None
        self.process.kill()
        wait_until(lambda: not listening(self.port), STARTUP_TIMEOUT, "redis-server still listens after SIGKILL")

    def answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()


@pytest.fixture
def own_redis(redis_url: str, tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis server that this test alone uses, and may stop. The suite's Redis (REDIS_URL)
    must answer too: the fault suite belongs to the production shape's run."""
    if shutil.which("redis-server") is None:
        require_service("redis-server", "the redis-server program is not on PATH")
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    yield server
    if server.process is not None:
        server.process.kill()


# --- The production environment ---------------------------------------------------------


def with_path(url: str, path: str) -> str:
    return urlsplit(url)._replace(path=path).geturl()


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    return parts._replace(query=urlencode([*parse_qsl(parts.query), *params.items()])).geturl()


def worker_database_url() -> str:
    """The test database as a DATABASE_URL, for processes that must share its rows. Their
    connections carry SUBPROCESS_APPLICATION as their name, so that a test can tell them
    from its own in pg_stat_activity."""
    database = connection.settings_dict
    if os.environ.get("DATABASE_URL"):
        url = with_path(os.environ["DATABASE_URL"], "/" + database["NAME"])
    else:
        # The embedded server's socket folder goes in the query: as the URL's host,
        # dj-database-url would lower-case it.
        url = f"postgres://{database['USER']}@:{database['PORT']}/{database['NAME']}?host={quote(database['HOST'])}"
    return with_query(url, application_name=SUBPROCESS_APPLICATION)


@pytest.fixture
def broker_url(redis_url: str) -> Iterator[str]:
    """The suite's own Redis database (REDIS_URL's), flushed before and after each test, so
    queued ticks and ETA messages never leak between tests, and two suites run side by
    side with different databases never flush each other's broker."""
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield redis_url
    client.flushdb()
    client.close()


@pytest.fixture
def engine_env(transactional_db, broker_url: str, tmp_path: Path) -> dict[str, str]:
    """A production process's environment, pointed at the test database and the test broker."""
    return {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": broker_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # The secret key and static root go to a scratch folder, not the project's var/.
        "PARLEY_VAR_DIR": str(tmp_path / "var"),
    }


# --- Celery ---------------------------------------------------------------------------------


@pytest.fixture
def start_worker(engine_env: dict[str, str], spawn) -> Callable[..., Process]:
    """Launch a worker named ``name`` consuming ``queues`` (the clock's, by default; the
    README's printer consumes "prints"); `wait_ready` tells when it consumes.

    By default a lean one that starts fast; ``as_deployed`` runs the operator guide's
    command instead (prefork pool, gossip, mingle and heartbeats), for the faults.
    """

    def start_worker(name: str, *, queues: str = "celery", as_deployed: bool = False) -> Process:
        argv = [PYTHON, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO", "--queues", queues]
        argv += ["--hostname", f"{name}-{uuid.uuid4().hex[:8]}@%h"]
        if as_deployed:
            argv += ["--concurrency", "2"]
        else:
            argv += ["--pool", POOL, "--concurrency", "4"]
            argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        return spawn(name, argv, env=engine_env, ready_line=" ready.")

    return start_worker


@pytest.fixture
def start_beat(engine_env: dict[str, str], spawn, tmp_path: Path) -> Callable[[], Process]:
    """Launch beat; it is ready once it has sent its first tick."""

    def start_beat() -> Process:
        argv = [PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"]
        argv += ["--schedule", str(tmp_path / "beat-schedule")]
        return spawn("beat", argv, env=engine_env, ready_line="Sending due task clock-tick")

    return start_beat


# --- uvicorn --------------------------------------------------------------------------------


@pytest.fixture
def server_env(engine_env: dict[str, str]) -> dict[str, str]:
    """The README's production settings: the test's own secret key, so that sessions the
    test makes in the database are the server's too."""
    return {
        **engine_env,
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
    }


@dataclass
class Server:
    """uvicorn serving config.asgi as the operator guide runs it."""

    process: Process
    port: int

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def worker_pids(self) -> list[int]:
        """The server processes under uvicorn's supervisor (with --workers 2 and more)."""
        children = Path(f"/proc/{self.process.popen.pid}/task/{self.process.popen.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def worker_serving(self, client_port: int) -> int | None:
        """Which worker holds the connection from ``client_port``: the kernel's table of
        TCP sockets gives the server end's inode, and the workers' open files the owner."""
        inodes = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.split(":")[1], 16) == self.port and int(remote.split(":")[1], 16) == client_port:
                inodes.add(f"socket:[{inode}]")
        for pid in self.worker_pids():
            with contextlib.suppress(FileNotFoundError):
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(FileNotFoundError):
                        if os.readlink(fd) in inodes:
                            return pid
        return None


@pytest.fixture
def start_server(server_env: dict[str, str], spawn) -> Callable[..., Server]:
    def start_server(*, workers: int = 1, env: dict[str, str] | None = None) -> Server:
        port = free_port()
        argv = [PYTHON, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
        argv += ["--workers", str(workers), "--ws-per-message-deflate", "false"]
        process = spawn("uvicorn", argv, env={**server_env, **(env or {})})
        process.wait_for_log("Application startup complete.", count=workers, timeout=90)
        wait_until(lambda: listening(port), STARTUP_TIMEOUT, f"uvicorn never listened on {port}")
        return Server(process, port)

    return start_server
