"""bench/hotline: end-to-end latency of hotline messages under a sustained load, and losses.

    python bench/hotline/run.py [--lines 50 --rate 200 --seconds 20 --workers 1 2]

For each rate (``--rate 25 50 200`` sweeps) and number of uvicorn workers, against the
production configuration (uvicorn serving config.asgi with the channels-redis pub/sub
layer, PostgreSQL, Redis for the cache and rate limits; no Celery, which hotline messages
do not touch):

1. A fresh database and Redis db; through Parley's services, a scenario of ``--lines``
   teams in a ring (team i on a line to team i+1, so every team is on two lines), a
   running exercise, enough players a team that none nears the per-player rate limit
   (PLAYER_COMMAND_RATE stays at its production value), and every line's call open.
2. One socket per team (a player's token) and one facilitator socket, opened before the
   load. One message per line primes the server, one at a time. Then POSTs to
   /api/v1/hotlines/{id}/messages, open loop at ``--rate`` a second over the lines in
   turn, alternating direction, each from the next player of the sending team, with a
   unique text and a client_id (as the browser sends), on keep-alive connections (at
   most 512 requests outstanding: past that, posts leave late, and the lateness is
   reported). A warm-up (``--warmup`` s) is checked but not timed.
3. End-to-end latency: the message's first receipt on the other team's socket minus the
   time its POST was written. Each message answered 201 must arrive exactly once on the
   other team's socket, on the sender's own and on the facilitator's; the database must
   hold one message and one event per 201, and each socket exactly the seqs the log
   shows its audience, in order.
4. The baseline, same run, same rate, same sockets and uvicorn options: the bare relay of
   bench/hotline/bare.py, an async Channels HTTP handler that only group_sends the
   message to the same three groups. Parley's p99 is given as a multiple of the bare p99.

Also measured: the server's CPU per message, how busy the machine was, and what
PostgreSQL's backends were doing (bench/hotline/pgwatch.py). ``--profile cpu|wall`` runs
py-spy on Parley's server (bench/hotline/profiling.py).

Results are printed and written into bench/hotline/RESULTS.md (``--no-write`` to skip;
runs with a profiler or ``--env`` never write it); ``--json PATH`` saves them.
"""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.fanout import analysis as fanout_analysis  # noqa: E402
from bench.fanout import environment, processes  # noqa: E402
from bench.fanout.clients import Client, Fleet  # noqa: E402
from bench.hotline import analysis, bare, pgwatch, profiling, report, services, workload  # noqa: E402
from bench.hotline.driver import Request, drive, prime  # noqa: E402
from bench.hotline.httpclient import Pool  # noqa: E402
from gateway import ratelimits  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
OTHER_BENCH = "bench/fanout/run.py"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=50, help="open hotlines (a ring of as many teams)")
    parser.add_argument("--rate", type=float, nargs="+", default=[200.0], help="messages posted a second, a run each")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds of load")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before, not timed")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn workers, one run each")
    parser.add_argument("--players", type=int, default=0, help="players a team (0: enough for the rate limit)")
    parser.add_argument("--connections", type=int, default=16, help="HTTP connections opened before the load")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for Parley's processes (experiments)")
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument(
        "--profile", choices=["cpu", "wall"], help="py-spy on Parley's server while measured (not for figures)"
    )
    parser.add_argument("--no-wait", action="store_true", help="do not wait for a running fan-out benchmark")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/parley_hotline")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--json", type=Path, help="save the full results here")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    load = {} if args.no_wait else wait_for_quiet()
    workdir = Path(tempfile.mkdtemp(prefix="bench-hotline-"))
    print(f"logs in {workdir}", flush=True)
    env = services.production_env(database_url=args.database_url, redis_url=args.redis_url, workdir=workdir)
    env.update(dict(item.split("=", 1) for item in args.env))
    environment.setup_django(env)
    lines = workload.lines_of(args.lines)
    players = args.players or workload.players_per_team(rate=max(args.rate), lines=len(lines), **rate_limit(env))
    setting = describe(args, env, lines, players)
    print(setting, flush=True)
    runs = run_all(args, env, workdir, lines, players)
    load["load average at the end"] = " ".join(f"{value:.2f}" for value in os.getloadavg())
    load[f"{OTHER_BENCH} running at the end"] = "yes" if running(OTHER_BENCH) else "no"
    command = ("python bench/hotline/run.py " + " ".join(sys.argv[1:])).strip()
    summary = report.Summary(command=command, setting=setting, machine=report.machine(args.redis_url, load), runs=runs)
    print(report.console(summary), flush=True)
    save(args, summary)


def describe(args: argparse.Namespace, env: dict[str, str], lines: list[workload.Line], players: int) -> str:
    """The setting in one paragraph, for the console and RESULTS.md."""
    teams = workload.teams_of(lines)
    return (
        f"{len(lines)} open hotlines among {teams} teams, {players} players a team; {args.seconds:g} s measured "
        f"after a {args.warmup:g} s warm-up; PLAYER_COMMAND_RATE {env.get('PLAYER_COMMAND_RATE', '30/10s')}; "
        f"uvicorn as the README runs it (uvloop, httptools, permessage-deflate off); {teams} team sockets + "
        "1 facilitator socket" + (f"; extra environment {' '.join(args.env)}" if args.env else "")
    )


def run_all(
    args: argparse.Namespace, env: dict[str, str], workdir: Path, lines: list[workload.Line], players: int
) -> list[report.Run]:
    """For each rate and number of workers: Parley, then the bare relay."""
    teams = workload.teams_of(lines)
    runs = []
    for rate in args.rate:
        posts = workload.plan(lines=lines, rate=rate, seconds=args.seconds, warmup=args.warmup, players=players)
        for workers in args.workers:
            logs = workdir / f"rate-{rate:g}-workers-{workers}"
            logs.mkdir()
            parley = run_parley(args, env, logs, workers, lines, posts, players)
            bare_figures = None if args.skip_bare else run_bare(args, env, logs, workers, teams, posts)
            runs.append(report.Run(workers, rate, parley, bare_figures))
    return runs


def save(args: argparse.Namespace, summary: report.Summary) -> None:
    """The JSON when asked for; RESULTS.md's block for plain production runs only."""
    if args.json:
        args.json.write_text(json.dumps(summary.as_dict(), indent=2))
    if args.no_write:
        return
    if args.env or args.profile:
        print("not writing RESULTS.md: extra environment or a profiler was used", flush=True)
        return
    report.write_results(RESULTS, summary)
    print(f"wrote {RESULTS}", flush=True)


def interrupted(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every subprocess is stopped on the way out."""
    raise KeyboardInterrupt


def wait_for_quiet(*, poll: float = 30, limit: float = 1200) -> dict[str, str]:
    """Wait (up to ``limit`` s) for a running fan-out benchmark to finish; the load seen."""
    began = time.monotonic()
    before = uptime()
    while running(OTHER_BENCH):
        if time.monotonic() - began > limit:
            print(f"{OTHER_BENCH} still running after {limit:g} s; measuring anyway", flush=True)
            break
        print(f"waiting for {OTHER_BENCH} to finish ({uptime()})", flush=True)
        time.sleep(poll)
    waited = time.monotonic() - began
    return {"uptime before": before, "waited for other benchmarks": f"{waited:.0f} s", "uptime at start": uptime()}


def running(pattern: str) -> bool:
    return subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode == 0


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def rate_limit(env: dict[str, str]) -> dict[str, float]:
    """PLAYER_COMMAND_RATE ("30/10s") as a limit and a window in seconds, read as the server reads it."""
    item = ratelimits.rate(env.get("PLAYER_COMMAND_RATE", "30/10s"))
    return {"limit": item.amount, "window": item.get_expiry()}


# --- the two servers -------------------------------------------------------------------


def run_parley(
    args: argparse.Namespace,
    env: dict[str, str],
    logs: Path,
    workers: int,
    lines: list[workload.Line],
    posts: list[workload.Post],
    players: int,
) -> dict:
    """Parley's figures, served as the README's production section says."""
    from bench.hotline import parley_side  # needs Django set up

    release_connections()
    environment.reset_database(args.database_url)
    environment.flush_redis(args.redis_url)
    environment.migrate(env, logs / "migrate.log")
    name = "parley"
    print(f"[{name} x{workers}] setting up {len(lines)} open hotlines", flush=True)
    setup = parley_side.build(lines=lines, teams=workload.teams_of(lines), players=players)
    release_connections()
    port = processes.free_port()
    url = f"ws://127.0.0.1:{port}/ws/exercises/{setup.exercise_id}/?token={{}}&after={setup.after}"
    clients = [
        Client(group=workload.team_key(team), url=url.format(tokens[0])) for team, tokens in enumerate(setup.tokens)
    ]
    clients.append(Client(group=analysis.STAFF, url=url.format(setup.facilitator_token)))
    tag = f"{name}-x{workers}"

    def request_for(post: workload.Post) -> Request:
        return Request(
            path=f"/api/v1/hotlines/{setup.hotline_ids[post.line]}/messages",
            body={"text": workload.message_text(tag, post.number), "client_id": f"{tag}-{post.number}"},
            headers={"Authorization": f"Bearer {setup.tokens[post.sender][post.player]}"},
        )

    with processes.Processes(logs / name, cwd=ROOT, env=env) as procs:
        procs.logs.mkdir()
        pid = services.start_uvicorn(procs, "config.asgi:application", port, workers, factory=False)
        profile = logs / f"py-spy-{name}-{args.profile}.raw" if args.profile else None
        figures = run_client(
            measure(
                args, procs, pid, port, clients, posts, request_for, profile=profile, database_url=args.database_url
            )
        )
        if profile is not None:
            profiling.wait(procs, timeout=args.seconds + 120)
    stored = parley_side.stored(setup.exercise_id, setup.after)
    release_connections()
    figures["database"] = database_check(figures, stored, clients)
    if profile is not None and profile.exists():
        summary = profiling.summarise(profile)
        profile.with_suffix(".txt").write_text(summary)
        print(f"  profile summary in {profile.with_suffix('.txt')}", flush=True)
    print_brief(name, workers, figures)
    return figures


def release_connections() -> None:
    """Close this process's database connections, and its pool if the settings have one,
    so that none is left for the database reset to cut (or for the server to count)."""
    from django.db import connections

    connections.close_all()
    for connection in connections.all():
        if connection.alias in getattr(connection, "_connection_pools", {}):  # a pool was opened
            connection.close_pool()


def run_bare(
    args: argparse.Namespace, env: dict[str, str], logs: Path, workers: int, teams: int, posts: list[workload.Post]
) -> dict:
    environment.flush_redis(args.redis_url)
    port = processes.free_port()
    groups = [workload.team_key(team) for team in range(teams)] + [analysis.STAFF]
    clients = [Client(group=group, url=f"ws://127.0.0.1:{port}/?group={bare.team_group(group)}") for group in groups]
    tag = f"bare-x{workers}"

    def request_for(post: workload.Post) -> Request:
        sender, receiver = workload.team_key(post.sender), workload.team_key(post.receiver)
        text = workload.message_text(tag, post.number)
        return Request(
            path=f"/hotlines/{post.line}/messages",
            body={"text": text, "client_id": f"{tag}-{post.number}", "from": sender, "to": receiver},
            headers={"Authorization": "Bearer bench"},
        )

    print(f"[bare x{workers}] starting", flush=True)
    with processes.Processes(logs / "bare", cwd=ROOT, env=env) as procs:
        procs.logs.mkdir()
        pid = services.start_uvicorn(procs, "bench.hotline.bare:make_application", port, workers, factory=True)
        figures = run_client(
            measure(args, procs, pid, port, clients, posts, request_for, profile=None, database_url=None)
        )
    print_brief("bare", workers, figures)
    return figures


# --- measuring -------------------------------------------------------------------------


async def measure(
    args: argparse.Namespace,
    procs: processes.Processes,
    pid: int,
    port: int,
    clients: list[Client],
    posts: list[workload.Post],
    request_for: Callable[[workload.Post], Request],
    *,
    profile: Path | None,
    database_url: str | None,
) -> dict:
    """Open the sockets, prime, post the plan, wait for the frames, reduce them to figures.

    With ``database_url``, PostgreSQL's backends are watched during the measured phase.
    """
    fleet = await open_sockets(clients)
    before = {id(client): len(client.frames) for client in clients}  # hellos, replays: not ours
    pool = Pool("127.0.0.1", port)
    records = await prime(pool, [p for p in posts if p.phase == workload.PRIME], request_for)
    await pool.warm(args.connections)
    start = time.time() + 0.5
    measured_from = start + args.warmup
    sampler = asyncio.create_task(sample_from(measured_from, pid, procs, profile, args))
    stop_watching = asyncio.Event()
    watcher = asyncio.create_task(watch_from(measured_from, database_url, stop_watching))
    records += await drive(pool, [p for p in posts if p.phase != workload.PRIME], request_for, start=start)
    stop_watching.set()
    cpu_before, ticks_before = await sampler
    cpu, busy = processes.tree_cpu_seconds(pid) - cpu_before, busy_fraction(ticks_before, machine_ticks())
    wanted = expected_frames(records)
    await fleet.wait_for(lambda client: before[id(client)] + wanted.get(client.group, 0), timeout=60, quiet=10)
    closed = [client.error for client in clients if client.error]  # by the server, before we closed them
    await pool.close()
    await fleet.close()
    figures = analysis.figures(records, analysis.read_frames(clients))
    timed = sum(1 for record in records if record.created and record.post.timed) or 1
    return figures | {
        "server_cpu_ms_per_message": cpu / timed * 1000,
        "machine_busy": busy,
        "connections": pool.opened,
        "retried": pool.retried,
        "postgres": await watcher,
        "sockets_closed": closed,
    }


async def open_sockets(clients: list[Client]) -> Fleet:
    """Every socket open, its consumer subscribed and done with its (empty) replay."""
    fleet = Fleet(clients, compression=True)
    await fleet.open(concurrency=64)
    if failed := [client.error for client in clients if client.error]:
        raise RuntimeError(f"{len(failed)} sockets failed to open: {failed[0]}")
    await asyncio.sleep(1.0)
    return fleet


async def sample_from(
    at: float, pid: int, procs: processes.Processes, profile: Path | None, args: argparse.Namespace
) -> tuple[float, tuple[int, int]]:
    """At the end of the warm-up: the server's CPU and the machine's ticks, and py-spy started."""
    await asyncio.sleep(max(0.0, at - time.time()))
    if profile is not None:
        subprocesses = has_workers(pid)
        profiling.start(
            procs, pid, profile, seconds=args.seconds, subprocesses=subprocesses, wall=args.profile == "wall"
        )
    return processes.tree_cpu_seconds(pid), machine_ticks()


async def watch_from(at: float, database_url: str | None, stop: asyncio.Event) -> dict[str, float]:
    if database_url is None:
        return {}
    conn = await pgwatch.connect(database_url)
    await asyncio.sleep(max(0.0, at - time.time()))
    return await pgwatch.watch(conn, stop)


def has_workers(pid: int) -> bool:
    """True when uvicorn runs worker subprocesses (py-spy must follow them)."""
    return bool(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())


def expected_frames(records: list) -> dict[str, int]:
    """Frames each socket should get: one per created message on its team's lines, all for staff."""
    wanted: dict[str, int] = {analysis.STAFF: 0}
    for record in records:
        if record.created:
            for team in (record.post.sender, record.post.receiver):
                key = workload.team_key(team)
                wanted[key] = wanted.get(key, 0) + 1
            wanted[analysis.STAFF] += 1
    return wanted


def database_check(figures: dict, stored: Any, clients: list[Client]) -> dict:
    """The database against the 201s, and each socket's seqs against the log's."""
    frames = analysis.read_frames(clients)
    received = [(client.group, frames.seqs[client.group]) for client in clients]
    deliveries = fanout_analysis.check_deliveries(received, stored.visible)
    ok = stored.messages == stored.events == figures["created"] and deliveries.ok
    summary = f"{'ok' if ok else 'MISMATCH'}: {stored.messages} messages, {stored.events} events"
    if not deliveries.ok:
        summary += f"; sockets miss {deliveries.lost} of the log's"
    return {"ok": ok, "summary": summary, "messages": stored.messages, "events": stored.events} | {
        "sockets_vs_log": deliveries.as_dict()
    }


def machine_ticks() -> tuple[int, int]:
    """Busy and total jiffies of all CPUs, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def busy_fraction(before: tuple[int, int], after: tuple[int, int]) -> float:
    busy, total = after[0] - before[0], after[1] - before[1]
    return busy / total if total else float("nan")


def print_brief(name: str, workers: int, figures: dict) -> None:
    e2e, post = figures["end_to_end"], figures["post"]
    print(
        f"  [{name} x{workers}] end-to-end p50 {e2e['p50']:.1f} p99 {e2e['p99']:.1f} max {e2e['max']:.1f} ms; "
        f"POST p50 {post['p50']:.1f} p99 {post['p99']:.1f} ms; {figures['created']}/{figures['posted']} created; "
        f"lost {figures['other_side']['lost']}; {figures['rate']['sent_per_s']:.0f}/s sent",
        flush=True,
    )


def run_client(coroutine: Any) -> Any:
    """The client's event loop: uvloop when installed (as uvicorn uses), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


if __name__ == "__main__":
    main()
