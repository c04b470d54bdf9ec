"""bench/catchup: how fast a socket that missed many events catches up, against a GET of them.

    python bench/catchup/run.py [--missed 1000 --resumes 100 --workers 1 --ws auto]

Against the production configuration (uvicorn serving config.asgi with the README's
options, the channels-redis pub/sub layer, PostgreSQL; the events are written here
through the services, so no Celery is needed):

1. A fresh database and Redis db; the fan-out benchmark's scenario with ``--teams``
   teams (and one inject, due in a day); an exercise, started; a player of the first
   team, and its token.
2. ``--missed`` ad-hoc injects to that team and as many to the second team, alternately,
   in one transaction: the player's socket, resuming after the exercise's start, has
   missed ``--missed`` events visible to its team, between as many it never sees.
3. ``--resumes`` times, alternately: a GET of the events endpoint with the same ``after``
   and the player's bearer token (``GET /api/v1/exercises/ID/events?after=SEQ``, a new
   connection each time, timed from the connect to the last byte of the answer), and a
   socket opened with the same ``after`` (timed from the TCP connect to the receipt of
   the last missed event; then closed). Both must return exactly the team's events after
   ``after``, once and in order; a socket that does not is counted and reported.

The figure is the socket's p99 over the GET's p99 (the target: at most 1.2), and the
same for the medians. ``--json PATH`` saves the results whole.
"""

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.fanout import analysis, environment, processes, servers, workload  # noqa: E402
from bench.fanout.run import run_client, start_redis  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--missed", type=int, default=1000, help="events visible to the team that the socket missed")
    parser.add_argument("--resumes", type=int, default=100, help="GETs and socket resumes, each")
    parser.add_argument("--teams", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers")
    parser.add_argument("--ws", default="auto", help="uvicorn's --ws (the README's: its default)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_catchup")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--own-redis", action="store_true", help="start a private redis-server instead")
    parser.add_argument("--json", type=Path, help="save the full results here")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="bench-catchup-"))
    print(f"logs in {workdir}", flush=True)
    with processes.Processes(workdir, cwd=ROOT, env=dict(os.environ)) as services:
        if args.own_redis:
            args.redis_url = start_redis(services)
        results = run(args, workdir)
    print(console(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def interrupted(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every subprocess is stopped on the way out."""
    raise KeyboardInterrupt


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    env = environment.production_env(database_url=args.database_url, redis_url=args.redis_url, workdir=workdir)
    environment.setup_django(env)
    from bench.fanout import parley_side

    parley_side.close_all_connections()
    environment.reset_database(args.database_url)
    environment.flush_redis(args.redis_url)
    environment.migrate(env, workdir / "migrate.log")
    print(f"writing {2 * args.missed} events", flush=True)
    setup = build(teams=args.teams, missed=args.missed)
    parley_side.close_all_connections()
    port = processes.free_port()
    load_before = os.getloadavg()
    options = servers.ServerOptions(workers=args.workers, deflate=False, ws=args.ws)
    with processes.Processes(workdir / "parley", cwd=ROOT, env=env) as procs:
        procs.logs.mkdir()
        procs.start("uvicorn", servers.uvicorn_argv("config.asgi:application", port, options, factory=False))
        servers.wait_for_server(procs, procs.started[0][1], port, options)
        figures = run_client(measure(args, port, setup))
    return {
        "command": "python bench/catchup/run.py " + " ".join(sys.argv[1:]),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "missed": args.missed,
        "workers": args.workers,
        "ws": args.ws,
        **figures,
    }


def build(*, teams: int, missed: int) -> dict[str, Any]:
    """The exercise, started; a player of the first team; ``missed`` injects to it and as
    many to the second team, alternately. Returns what the clients need."""
    from django.db import transaction

    from bench.fanout import parley_side
    from exercise import access, injects
    from exercise.models import Exercise

    # The scenario needs an inject: one due in a day, which nothing here releases.
    due_later = workload.plan(teams=teams, injects=1, first=86_400, every=1)
    setup = parley_side.build_exercise(due_later, teams=teams, sockets=0)
    exercise_teams = Exercise.objects.get(pk=setup.exercise_id).teams
    first, second = (team.key for team in exercise_teams.order_by("key")[:2])
    _player, token = access.join_team(code=exercise_teams.get(key=first).join_code, name="Resuming player")
    parley_side.change_status(setup.exercise_id, "start")
    after = parley_side.last_seq(setup.exercise_id)
    caller = parley_side.facilitator()
    with transaction.atomic():
        for number in range(2 * missed):
            injects.send_adhoc(
                caller=caller,
                exercise_id=setup.exercise_id,
                title=f"Update {number + 1}",
                body=parley_side.BODY,
                kind="other",
                severity="medium",
                to=[first if number % 2 == 0 else second],
            )
    expected = parley_side.visible_seqs(setup.exercise_id)[first]
    return {
        "exercise_id": setup.exercise_id,
        "token": token,
        "after": after,
        "expected": [seq for seq in expected if seq > after],
    }


async def measure(args: argparse.Namespace, port: int, setup: dict[str, Any]) -> dict[str, Any]:
    exercise_id, token, after, expected = setup["exercise_id"], setup["token"], setup["after"], setup["expected"]
    path = f"/api/v1/exercises/{exercise_id}/events?after={after}"
    url = f"ws://127.0.0.1:{port}/ws/exercises/{exercise_id}/?token={token}&after={after}"
    # Warm-up, not counted: imports, the first queries, the token kept by the process.
    await get(port, path, token)
    await resume(url, len(expected))
    gets, sockets, wrong = [], [], 0
    for number in range(args.resumes):
        seconds, seqs = await get(port, path, token)
        gets.append(seconds)
        wrong += seqs != expected
        seconds, seqs = await resume(url, len(expected))
        sockets.append(seconds)
        wrong += seqs != expected
        if (number + 1) % 20 == 0:
            print(f"  {number + 1} of each", flush=True)
    return {
        "get_ms": distribution(gets),
        "socket_ms": distribution(sockets),
        "ratio_p99": analysis.percentile(sockets, 99) / analysis.percentile(gets, 99),
        "ratio_p50": statistics.median(sockets) / statistics.median(gets),
        "wrong": wrong,
    }


async def get(port: int, path: str, token: str) -> tuple[float, list[int]]:
    """Seconds from the TCP connect to the answer's last byte, and the seqs it held."""
    start = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    writer.write(request.encode("latin1"))
    answer = await reader.read()  # to the end: the server closes after the answer
    seconds = time.perf_counter() - start
    writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError(f"the events endpoint answered {head[:100]!r}")
    return seconds, [event["seq"] for event in json.loads(body)]


async def resume(url: str, count: int) -> tuple[float, list[int]]:
    """Seconds from the TCP connect to the receipt of the ``count``th frame, and the seqs."""
    from websockets.asyncio.client import connect

    start = time.perf_counter()
    async with connect(url, compression="deflate", ping_interval=None, max_queue=None, max_size=None) as socket:
        texts = [await socket.recv() for _ in range(count)]
        seconds = time.perf_counter() - start
    return seconds, [json.loads(text)["seq"] for text in texts]


def distribution(seconds: list[float]) -> dict[str, float]:
    return {
        "p50": statistics.median(seconds) * 1000,
        "p99": analysis.percentile(seconds, 99) * 1000,
        "max": max(seconds) * 1000,
    }


def console(results: dict[str, Any]) -> str:
    get, socket = results["get_ms"], results["socket_ms"]
    load = (
        " ".join(f"{value:.2f}" for value in results["load_before"]),
        " ".join(f"{value:.2f}" for value in results["load_after"]),
    )
    return "\n".join(
        [
            f"{results['command']}  ({results['machine']}; load {load[0]} before, {load[1]} after)",
            f"{results['missed']} missed events, uvicorn x{results['workers']} --ws {results['ws']}",
            f"{'':<24}{'p50':>10}{'p99':>10}{'max':>10}",
            f"{'GET /events?after= (ms)':<24}{get['p50']:>10.1f}{get['p99']:>10.1f}{get['max']:>10.1f}",
            f"{'socket resume (ms)':<24}{socket['p50']:>10.1f}{socket['p99']:>10.1f}{socket['max']:>10.1f}",
            f"socket / GET: p99 {results['ratio_p99']:.2f}, p50 {results['ratio_p50']:.2f}",
            f"resumes or GETs with events lost, doubled or out of order: {results['wrong']}",
        ]
    )


if __name__ == "__main__":
    main()
