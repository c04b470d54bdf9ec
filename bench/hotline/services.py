"""Parley's production environment for this benchmark, and launching uvicorn in it.

Resetting PostgreSQL and Redis, running migrations and managing subprocesses come from
the fan-out benchmark (bench/fanout/environment.py, processes.py). The environment and
the uvicorn command are kept here: the fan-out benchmark's versions keep gaining options
for its own experiments, and this one must not change under a run.
"""

import os
import sys
from pathlib import Path

from bench.fanout.processes import Processes, wait_for_log, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def production_env(*, database_url: str, redis_url: str, workdir: Path) -> dict[str, str]:
    """What the README's production section sets, pointed at the bench's own services."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-hotline-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        # The key file and static root go to the run's scratch folder, not the project's var/.
        "PARLEY_VAR_DIR": str(workdir / "var"),
        "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }


def start_uvicorn(procs: Processes, app: str, port: int, workers: int, *, factory: bool) -> int:
    """uvicorn as the README's production command runs it (its defaults: uvloop, httptools,
    access log; permessage-deflate off); its pid once every worker has loaded the application."""
    argv = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--ws-per-message-deflate", "false"]
    argv += ["--workers", str(workers), *(["--factory"] if factory else [])]
    server = procs.start("uvicorn", argv)
    wait_for_port(port, server, procs.log("uvicorn"))
    wait_for_log("Application startup complete.", server, procs.log("uvicorn"), count=workers)
    return server.pid
