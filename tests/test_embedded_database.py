"""The embedded PostgreSQL between real processes: one server per folder, stopped by the
process that started it, taken over when that process was killed, started despite a
postmaster.pid left by a crash."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Connects, prints when the server it reached started, and exits at a line on stdin.
HOLD = """
import sys
from pathlib import Path

import psycopg

from config.embedded_database import database_settings

db = database_settings(Path(sys.argv[1]))
with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"]) as connection:
    print(connection.execute("SELECT pg_postmaster_start_time()").fetchone()[0], flush=True)
sys.stdin.readline()
"""


class Holder:
    def __init__(self, pgdata: Path) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(pgdata)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.popen.stdout.readline()
        if not line:
            pytest.fail(f"the process did not connect:\n{self.popen.communicate()[1]}")
        self.server_started = datetime.fromisoformat(line.strip())

    def exit(self) -> None:
        _, errors = self.popen.communicate("\n", timeout=60)
        assert self.popen.returncode == 0, errors

    def kill(self) -> None:
        self.popen.kill()
        self.popen.communicate(timeout=60)


@pytest.fixture(scope="module")
def pgdata(tmp_path_factory) -> Iterator[Path]:
    """One data folder for the module: initdb is the slow part. Each test leaves it stopped."""
    yield tmp_path_factory.mktemp("embedded") / "postgres"


def running(pgdata: Path) -> bool:
    return (pgdata / "postmaster.pid").exists()


def test_a_second_process_uses_the_server_of_the_first_which_stops_it_at_exit(pgdata):
    first = Holder(pgdata)
    second = Holder(pgdata)

    assert second.server_started == first.server_started
    first.exit()
    assert not running(pgdata)
    second.kill()


def test_a_server_whose_starter_was_killed_is_taken_over_and_stopped(pgdata):
    killed = Holder(pgdata)
    killed.kill()
    assert running(pgdata)

    heir = Holder(pgdata)
    assert heir.server_started == killed.server_started
    heir.exit()
    assert not running(pgdata)


def test_a_pid_file_left_by_a_crash_naming_a_live_process_does_not_stop_a_start(pgdata):
    before = Holder(pgdata)
    pid_file = (pgdata / "postmaster.pid").read_text().splitlines()
    before.exit()
    # After a restart the old pid may belong to anyone; here, to this very process.
    (pgdata / "postmaster.pid").write_text("\n".join([str(os.getpid()), *pid_file[1:]]) + "\n")

    after = Holder(pgdata)
    assert after.server_started > before.server_started
    after.exit()
    assert not running(pgdata)


def test_sigterm_stops_the_server_with_the_process(pgdata):
    holder = Holder(pgdata)
    holder.popen.send_signal(signal.SIGTERM)
    holder.popen.communicate(timeout=60)

    assert holder.popen.returncode == 128 + signal.SIGTERM
    assert not running(pgdata)
