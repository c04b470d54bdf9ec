"""bench/hotline/percall: what one request costs the server, one request at a time.

    python bench/hotline/percall.py [--requests 600] [--rounds 3]

The load benchmark (run.py) measures Parley past its capacity, where queues and lock
waits inflate every figure. This one asks the plain question behind it: how many
milliseconds of server CPU does each kind of request take when nothing else is going
on? One uvicorn worker (the README's options), one keep-alive connection, requests sent
one after another; the figures are the server process's CPU time (user + system, from
/proc) over the requests, divided by their number, and the time a request took as the
client saw it (which includes PostgreSQL's and Redis's share). No sockets are connected,
so delivering the events to sockets is not in the figures.

Kinds, each against the same exercise (50 teams, 50 open hotlines):
- ``message+client_id``: a hotline message with a client_id, as the team console sends;
- ``message``: the same without client_id (no receipt);
- ``events read``: ``GET /events?after=`` past the end (authentication, one query);
- ``unknown path``: ``GET /api/v1/...`` that does not exist (Django's request cycle and
  the API's error shape; no database);
- ``bare relay``: bench/hotline/bare.py's POST (HTTP, three group_sends, no Django
  request cycle, no database), the load benchmark's baseline;
- ``message+client_id, Django only``: the first kind again, served by Django's ASGI
  handler alone (no players.hotline_http layer in front), so the layer's worth is a
  figure of the same run: what the message costs when Django's view answers it.

Rounds alternate the servers, so a busy moment of the machine does not fall on one kind
only; the table gives each kind's median over the rounds and the ratio to the bare relay.
"""

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.fanout import environment, processes  # noqa: E402
from bench.hotline import services, workload  # noqa: E402

Call = Callable[[http.client.HTTPConnection, int], None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="requests of each kind a round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/parley_percall")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/10")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-percall-"))
    env = services.production_env(database_url=args.database_url, redis_url=args.redis_url, workdir=workdir)
    env["PLAYER_COMMAND_RATE"] = "1000000/10s"  # one player sends them all; the check still runs
    environment.reset_database(args.database_url)
    environment.flush_redis(args.redis_url)
    environment.migrate(env, workdir / "migrate.log")
    environment.setup_django(env)
    from bench.hotline import parley_side  # needs Django set up

    lines = workload.lines_of(50)
    setup = parley_side.build(lines=lines, teams=workload.teams_of(lines), players=1)
    from django.db import connections

    connections.close_all()
    kinds = parley_kinds(setup, lines)
    django_only = "message+client_id, Django only"
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in [*kinds, django_only, "bare relay"]}
    for round_number in range(args.rounds):
        with processes.Processes(workdir / f"round-{round_number}", cwd=ROOT, env=env) as procs:
            procs.logs.mkdir(parents=True)
            port = processes.free_port()
            pid = services.start_uvicorn(procs, "config.asgi:application", port, 1, factory=False)
            for name, call in kinds.items():
                figures[name].append(cpu_per_request(pid, port, call, args.requests, offset=round_number))
        with processes.Processes(workdir / f"django-{round_number}", cwd=ROOT, env=env) as procs:
            procs.logs.mkdir(parents=True)
            port = processes.free_port()
            pid = services.start_uvicorn(procs, "django.core.asgi:get_asgi_application", port, 1, factory=True)
            # offset past the layer's rounds: client_ids never repeat
            offset = args.rounds + round_number
            message = kinds["message+client_id"]
            figures[django_only].append(cpu_per_request(pid, port, message, args.requests, offset=offset))
        with processes.Processes(workdir / f"bare-{round_number}", cwd=ROOT, env=env) as procs:
            procs.logs.mkdir(parents=True)
            port = processes.free_port()
            pid = services.start_uvicorn(procs, "bench.hotline.bare:make_application", port, 1, factory=True)
            figures["bare relay"].append(cpu_per_request(pid, port, bare_post, args.requests, offset=round_number))
    print_table(figures, args)


def parley_kinds(setup, lines: list[workload.Line]) -> dict[str, Call]:  # type: ignore[no-untyped-def]
    def message(with_client_id: bool) -> Call:
        def call(conn: http.client.HTTPConnection, number: int) -> None:
            line = lines[number % len(lines)]
            body = {"text": workload.message_text("percall", number)}
            if with_client_id:
                body["client_id"] = f"percall-{number}"
            path = f"/api/v1/hotlines/{setup.hotline_ids[line.number]}/messages"
            request(conn, "POST", path, setup.tokens[line.a][0], body, expect=201)

        return call

    def events(conn: http.client.HTTPConnection, number: int) -> None:
        path = f"/api/v1/exercises/{setup.exercise_id}/events?after=1000000000"
        request(conn, "GET", path, setup.tokens[0][0], None, expect=200)

    def unknown(conn: http.client.HTTPConnection, number: int) -> None:
        request(conn, "GET", "/api/v1/no-such-path", setup.tokens[0][0], None, expect=404)

    return {
        "message+client_id": message(True),
        "message": message(False),
        "events read": events,
        "unknown path": unknown,
    }


def bare_post(conn: http.client.HTTPConnection, number: int) -> None:
    body = {"text": workload.message_text("percall", number), "from": "T01", "to": "T02"}
    request(conn, "POST", f"/hotlines/{number % 50}/messages", "", body, expect=201)


def request(conn: http.client.HTTPConnection, method: str, path: str, token: str, body, *, expect: int) -> None:  # type: ignore[no-untyped-def]
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = conn.getresponse()
    text = response.read()
    if response.status != expect:
        raise RuntimeError(f"{method} {path}: {response.status} {text[:200]!r}")


def cpu_per_request(pid: int, port: int, call: Call, count: int, *, offset: int) -> tuple[float, float]:
    """Milliseconds of the server's CPU, and of the client's wait, per request, after a
    warm-up of a tenth as many."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    base = (offset + 1) * 10 * count  # numbers (and client_ids) never repeat across rounds
    for number in range(base, base + count // 10):
        call(conn, number)
    before, started = cpu_seconds(pid), time.perf_counter()
    for number in range(base + count, base + 2 * count):
        call(conn, number)
    spent, waited = cpu_seconds(pid) - before, time.perf_counter() - started
    conn.close()
    return spent / count * 1000, waited / count * 1000


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def print_table(figures: dict[str, list[tuple[float, float]]], args: argparse.Namespace) -> None:
    bare = statistics.median(cpu for cpu, _wall in figures["bare relay"])
    print(f"per request, ms ({args.requests} requests a kind, {args.rounds} rounds; medians, then each round's CPU)")
    print("| request | server CPU | / bare relay | client's wait | CPU by round |")
    print("|---|---|---|---|---|")
    for name, values in figures.items():
        cpu = statistics.median(value[0] for value in values)
        wall = statistics.median(value[1] for value in values)
        rounds = " / ".join(f"{value[0]:.2f}" for value in values)
        print(f"| {name} | {cpu:.2f} | {cpu / bare:.1f}x | {wall:.2f} | {rounds} |")


if __name__ == "__main__":
    main()
