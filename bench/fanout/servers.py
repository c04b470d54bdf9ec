"""Launch lines: uvicorn for either application, and Celery's worker and beat for Parley.

The commands are the README's production ones; the options under test (workers,
permessage-deflate) are the only differences between runs. Both applications apply the
garbage-collector policy of config/asgi.py (see gc_tuned.py).
"""

import subprocess
import sys
from dataclasses import dataclass

from bench.fanout.processes import Processes, wait_for_log, wait_for_port


@dataclass(frozen=True)
class ServerOptions:
    workers: int
    deflate: bool  # uvicorn's --ws-per-message-deflate
    profiled: bool = False  # Parley under cProfile (profiled.py)
    ws: str = "auto"  # uvicorn's --ws; the README leaves it at its default


def uvicorn_argv(app: str, port: int, options: ServerOptions, *, factory: bool) -> list[str]:
    argv = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--workers", str(options.workers)]
    argv += ["--ws", options.ws, "--ws-per-message-deflate", "true" if options.deflate else "false"]
    return [*argv, "--factory"] if factory else argv


def start_parley(procs: Processes, port: int, options: ServerOptions) -> int:
    """uvicorn, the clock's Celery worker and Celery beat; the uvicorn pid once all three are up."""
    if options.profiled:
        argv = uvicorn_argv("bench.fanout.profiled:parley", port, options, factory=True)
    else:
        argv = uvicorn_argv("config.asgi:application", port, options, factory=False)
    server = procs.start("uvicorn", argv)
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    worker = procs.start("celery-worker", [*celery, "worker", "--queues", "celery", "--loglevel", "INFO"])
    beat_schedule = procs.logs / "beat-schedule"
    beat = procs.start("celery-beat", [*celery, "beat", "--loglevel", "INFO", "--schedule", str(beat_schedule)])
    wait_for_server(procs, server, port, options)
    wait_for_log(" ready.", worker, procs.log("celery-worker"))
    wait_for_log("beat: Starting", beat, procs.log("celery-beat"))
    return server.pid


def start_bare(procs: Processes, port: int, options: ServerOptions) -> int:
    server = procs.start("uvicorn", uvicorn_argv("bench.fanout.gc_tuned:bare", port, options, factory=True))
    wait_for_server(procs, server, port, options)
    return server.pid


def wait_for_server(procs: Processes, server: subprocess.Popen, port: int, options: ServerOptions) -> None:
    """Listening, and every worker has loaded the application."""
    wait_for_port(port, server, procs.log("uvicorn"))
    wait_for_log("Application startup complete.", server, procs.log("uvicorn"), count=options.workers)
