"""bench/fanout: how fast, and how completely, an exercise's events reach 1,000 player sockets.

    python bench/fanout/run.py [--sockets 1000 --teams 20 --injects 20 --burst 200 --workers 1 2]

For each number of uvicorn workers, against the production configuration (uvicorn serving
config.asgi, the channels-redis pub/sub layer, PostgreSQL, a Celery worker and beat):

1. A fresh database and Redis db; a scenario made here (``--teams`` teams, ``--injects``
   injects due every ``--every`` s from ``--first`` s, alternately to all teams and to a
   quarter of them); an exercise at speed 1; ``--sockets`` players joined through the
   service, dealt to the teams in turn.
2. The exercise is started and paused, then one client process opens every player's socket
   at once: a socket is live when its replay of those two events arrives (handshake and
   live times, per socket and for all). Then the exercise resumes and Celery releases the
   injects. Every frame is stamped on receipt. Latency is receipt minus the envelope's
   ``at`` (the wall time of the release); lateness is the event's exercise time minus the
   inject's due time. Each socket must hold exactly the events the log shows its team, once,
   in order.
3. The burst: ``--burst`` ad-hoc injects to all teams, written by their own process in one
   transaction, then broadcast at fifteen times (``--burst-factor``) the rate the server
   pushed frames in step 2 (bench/fanout/burst.py says why). The target is ten times what
   the server can push; the steady push rate counts the release's time before the first
   frame, so a saturated server drains a burst faster than that (up to 28 % in our runs),
   and fifteen keeps the burst above ten times both while that stays under 50 %. Late is
   allowed, lost is not.
4. The bare Channels server (bench/fanout/bare.py) under uvicorn with the same options and
   layer gets the same sockets in the same groups and the same release plan; the summary
   gives Parley's p99 latency as a multiple of the bare one's.

Results are printed; ``--doc`` also writes them into docs/benchmarks.md, ``--json PATH``
saves them whole.
"""

import argparse
import asyncio
import dataclasses
import json
import math
import os
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.fanout import analysis, bare, environment, processes, report, servers, workload  # noqa: E402
from bench.fanout.clients import Client, Fleet  # noqa: E402

# Frames that show a socket is live: Parley replays exercise.started and .paused; the bare
# consumer says hello.
READY_FRAMES = {"parley": 2, "bare": 1}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--injects", type=int, default=20)
    parser.add_argument("--first", type=float, default=5.0, help="seconds to the first inject")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between injects")
    parser.add_argument("--burst", type=int, default=200, help="ad-hoc injects in the burst (0: none)")
    parser.add_argument(
        "--burst-factor", type=float, default=15.0, help="burst broadcast rate over the steady push rate"
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn workers, one run each")
    parser.add_argument(
        "--deflate", choices=["true", "false"], default="false", help="uvicorn's permessage-deflate (README: false)"
    )
    parser.add_argument(
        "--gc-threshold", help='PARLEY_GC_THRESHOLD for both servers: "gen0,gen1,gen2", or "off" (default: the app\'s)'
    )
    parser.add_argument("--no-client-deflate", action="store_true", help="clients do not offer permessage-deflate")
    parser.add_argument("--connect-concurrency", type=int, default=1000, help="handshakes in flight at once")
    parser.add_argument("--skip-bare", action="store_true")
    parser.add_argument(
        "--profile", type=Path, help="run Parley's workers under cProfile, writing their profiles here (slows them)"
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bench_fanout")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--own-redis", action="store_true", help="start a private redis-server instead")
    parser.add_argument("--doc", action="store_true", help="write the results into docs/benchmarks.md")
    parser.add_argument("--json", type=Path, help="save the full results here")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="bench-fanout-"))
    print(f"logs in {workdir}", flush=True)
    with processes.Processes(workdir, cwd=ROOT, env=dict(os.environ)) as services:
        if args.own_redis:
            args.redis_url = start_redis(services)
        run_all(args, workdir)


def run_all(args: argparse.Namespace, workdir: Path) -> None:
    env = environment.production_env(database_url=args.database_url, redis_url=args.redis_url, workdir=workdir)
    if args.gc_threshold:
        env["PARLEY_GC_THRESHOLD"] = args.gc_threshold
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        env["PARLEY_PROFILE_DIR"] = str(args.profile.resolve())
    environment.setup_django(env)
    runs = []
    for workers in args.workers:
        options = servers.ServerOptions(workers=workers, deflate=args.deflate == "true", profiled=bool(args.profile))
        logs = workdir / f"workers-{workers}"
        logs.mkdir()
        parley = run_parley(args, env, logs, options)
        bare_figures = None if args.skip_bare else run_bare(args, env, logs, options)
        runs.append(report.Run(options=options, parley=parley, bare=bare_figures))
        print(report.console([runs[-1]], configuration(args)), flush=True)
    command = "python bench/fanout/run.py " + " ".join(sys.argv[1:])
    summary = report.Summary(
        command=command.strip(), configuration=configuration(args), machine=report.machine(args.redis_url), runs=runs
    )
    print(report.console(runs, summary.configuration))
    if args.json:
        args.json.write_text(json.dumps(summary.as_dict(), indent=2))
    if args.doc:
        report.write_doc(ROOT / "docs" / "benchmarks.md", summary)


def configuration(args: argparse.Namespace) -> str:
    """What the servers ran with, in the words of their options."""
    return "; ".join(
        [
            f"uvicorn --ws-per-message-deflate {args.deflate}",
            f"PARLEY_GC_THRESHOLD {args.gc_threshold or 'unset (the app default)'}",
            "clients " + ("do not offer" if args.no_client_deflate else "offer") + " permessage-deflate",
            "private redis-server" if args.own_redis else f"Redis {args.redis_url}",
        ]
    )


def start_redis(services: processes.Processes) -> str:
    """A private redis-server (no persistence) on a free port; its db 7's URL."""
    port = processes.free_port()
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = services.start("redis-server", argv)
    processes.wait_for_port(port, server, services.log("redis-server"))
    return f"redis://127.0.0.1:{port}/7"


def interrupted(signum: int, frame: object) -> None:
    """SIGTERM unwinds like Ctrl-C, so every subprocess is stopped on the way out."""
    raise KeyboardInterrupt


# --- Parley ----------------------------------------------------------------------------


def run_parley(args: argparse.Namespace, env: dict[str, str], logs: Path, options: servers.ServerOptions) -> dict:
    from bench.fanout import parley_side  # needs Django set up

    parley_side.close_all_connections()
    environment.reset_database(args.database_url)
    environment.flush_redis(args.redis_url)
    environment.migrate(env, logs / "migrate.log")
    releases = plan(args)
    print(f"[parley x{options.workers}] joining {args.sockets} players", flush=True)
    setup = parley_side.build_exercise(releases, teams=args.teams, sockets=args.sockets)
    parley_side.close_all_connections()
    port = processes.free_port()
    with processes.Processes(logs / "parley", cwd=ROOT, env=env) as procs:
        procs.logs.mkdir()
        server_pid = servers.start_parley(procs, port, options)
        url = f"ws://127.0.0.1:{port}/ws/exercises/{setup.exercise_id}/?token={{}}&after=0"
        clients = [Client(group=key, url=url.format(token)) for key, token in setup.tokens]
        return run_client(measure_parley(args, env, clients, setup.exercise_id, server_pid, releases))


async def measure_parley(
    args: argparse.Namespace,
    env: dict[str, str],
    clients: list[Client],
    exercise_id: int,
    server_pid: int,
    releases: list[workload.Release],
) -> dict:
    from bench.fanout import parley_side

    # Started and paused before the sockets open: each socket's replay then brings both
    # events, which tells when it is live; the injects fall due only after the resume.
    await in_thread(parley_side.change_status, exercise_id, "start")
    await in_thread(parley_side.change_status, exercise_id, "pause")
    fleet = Fleet(clients, compression=not args.no_client_deflate)
    print(f"  connecting {len(clients)} sockets", flush=True)
    memory = Memory(server_pid)
    await fleet.open(args.connect_concurrency)
    await fleet.wait_for(lambda client: READY_FRAMES["parley"], timeout=900, quiet=120)
    memory.connected(len(clients))
    meter = processes.CpuMeter(server_pid)
    await in_thread(parley_side.change_status, exercise_id, "resume")
    print("  exercise resumed; waiting for the scripted injects", flush=True)
    await until(lambda: in_thread(parley_side.scripted_pending, exercise_id), releases[-1].at + 30)
    steady_last = await in_thread(parley_side.last_seq, exercise_id)
    expected = await in_thread(parley_side.visible_seqs, exercise_id)
    await fleet.wait_for(lambda client: len(expected[client.group]), timeout=60, quiet=10)
    # Live frames only: from the resume on, not the replays that showed the sockets live.
    steady_cpu = meter.per_frame_us(fleet.frame_count() - READY_FRAMES["parley"] * len(clients))
    steady_frames = [f for _client, frames in fleet.parsed() for f in frames if f.seq > READY_FRAMES["parley"]]
    push_rate = analysis.push_rate([f for f in steady_frames if f.kind == "inject.released"], len(clients))
    steady_errors = sum(1 for client in clients if client.error)

    burst = None
    if args.burst:
        burst = await run_burst(args, env, fleet, exercise_id, server_pid, push_rate)
    await fleet.close()

    parsed = fleet.parsed()
    expected = await in_thread(parley_side.visible_seqs, exercise_id)
    steady = [(c, [f for f in frames if f.seq <= steady_last]) for c, frames in parsed]
    figures = {
        "connect": fleet.connect_figures(READY_FRAMES["parley"]),
        "memory": memory.figures,
        "latency": latency_ms(steady, key_prefix="I"),
        "lateness": analysis.distribution_ms(await in_thread(parley_side.lateness, exercise_id)),
        "deliveries": deliveries(steady, expected, lambda seq: seq <= steady_last),
        "push_rate": push_rate,
        **steady_cpu,
        "socket_errors": steady_errors,
        "envelope_bytes": envelope_bytes(clients),
    }
    if burst is not None:
        in_burst = [(c, [f for f in frames if f.seq > steady_last]) for c, frames in parsed]
        sent_at = burst.pop("broadcast_at")  # seq: when its broadcast left the driver
        from_broadcast = [
            (c, [dataclasses.replace(f, at=sent_at[f.seq]) for f in fs if f.seq in sent_at]) for c, fs in in_burst
        ]
        burst["latency"] = latency_ms(in_burst, key_prefix="X")
        burst["latency_from_broadcast"] = latency_ms(from_broadcast, key_prefix="X")
        burst["deliveries"] = deliveries(in_burst, expected, lambda seq: seq > steady_last)
        figures["burst"] = burst
    return figures


async def run_burst(
    args: argparse.Namespace, env: dict[str, str], fleet: Fleet, exercise_id: int, server_pid: int, push_rate: float
) -> dict:
    """The burst's figures; its latency is measured later, from ``broadcast_at``."""
    from bench.fanout import parley_side

    sockets = len(fleet.clients)
    rate = args.burst_factor * push_rate / sockets if math.isfinite(push_rate) else math.inf
    print(f"  burst: {args.burst} injects to all, broadcast at {rate:.1f}/s", flush=True)
    meter = processes.CpuMeter(server_pid)
    frames_before = fleet.frame_count()
    sent = json.loads(await run_module(env, "bench.fanout.burst", str(exercise_id), str(args.burst), str(rate)))
    expected = await in_thread(parley_side.visible_seqs, exercise_id)
    drained = await fleet.wait_for(lambda client: len(expected[client.group]), timeout=600, quiet=30)
    frames = fleet.frame_count() - frames_before
    last = max(client.frames[-1][0] for client in fleet.clients if client.frames)
    offered = args.burst / (sent["ended"] - sent["started"])  # injects a second, into the layer
    drain_s = last - sent["started"]
    return {
        "count": args.burst,
        "target_rate": rate,
        "written_s": sent["written_s"],
        "driver_niceness": sent["niceness"],
        "achieved_rate": offered,
        "times_push_rate": offered * sockets / push_rate,
        "drain_s": drain_s,
        "drain_rate": frames / drain_s,
        "times_drain_rate": offered * sockets / (frames / drain_s),
        "drained": drained,
        "broadcast_at": {int(seq): at for seq, at in sent["broadcast_at"].items()},
        **meter.per_frame_us(frames),
    }


# --- the bare server -------------------------------------------------------------------


def run_bare(args: argparse.Namespace, env: dict[str, str], logs: Path, options: servers.ServerOptions) -> dict:
    environment.flush_redis(args.redis_url)
    port = processes.free_port()
    teams = [workload.team_of_socket(number, args.teams) for number in range(args.sockets)]
    clients = [
        Client(group=bare.group_name(team), url=f"ws://127.0.0.1:{port}/?group={bare.group_name(team)}")
        for team in teams
    ]
    with processes.Processes(logs / "bare", cwd=ROOT, env=env) as procs:
        procs.logs.mkdir()
        print(f"[bare x{options.workers}] connecting {len(clients)} sockets", flush=True)
        server_pid = servers.start_bare(procs, port, options)
        return run_client(measure_bare(args, env, clients, server_pid, plan(args)))


async def measure_bare(
    args: argparse.Namespace, env: dict[str, str], clients: list[Client], server_pid: int, releases: list
) -> dict:
    fleet = Fleet(clients, compression=not args.no_client_deflate)
    memory = Memory(server_pid)
    await fleet.open(args.connect_concurrency)
    await fleet.wait_for(lambda client: READY_FRAMES["bare"], timeout=900, quiet=120)
    memory.connected(len(clients))
    meter = processes.CpuMeter(server_pid)
    releases_json = json.dumps([{**vars(release), "teams": list(release.teams)} for release in releases])
    await run_module(env, "bench.fanout.bare", releases_json, str(time.time() + 1))
    expected = {
        bare.group_name(team): [0] + [seq for seq, release in enumerate(releases, 1) if team in release.teams]
        for team in range(args.teams)
    }
    await fleet.wait_for(lambda client: len(expected[client.group]), timeout=60, quiet=10)
    errors = sum(1 for client in clients if client.error)
    cpu = meter.per_frame_us(fleet.frame_count() - READY_FRAMES["bare"] * len(clients))
    await fleet.close()
    parsed = fleet.parsed()
    frames = [frame for _client, fs in parsed for frame in fs if frame.kind == "bench"]
    return {
        "connect": fleet.connect_figures(READY_FRAMES["bare"]),
        "memory": memory.figures,
        "latency": with_first_receipt(frames),
        "deliveries": deliveries(parsed, expected, lambda seq: True),
        "push_rate": analysis.push_rate(frames, len(clients)),
        **cpu,
        "socket_errors": errors,
        "envelope_bytes": envelope_bytes(clients),
    }


# --- helpers ---------------------------------------------------------------------------


class Memory:
    """The server's resident memory (uvicorn's master and workers) before the sockets open
    and once all are live: what each socket costs the server."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid
        self.before = processes.tree_rss_bytes(server_pid)
        self.figures: dict[str, float] = {}

    def connected(self, sockets: int) -> None:
        after = processes.tree_rss_bytes(self.server_pid)
        self.figures = {
            "rss_before_mib": self.before / 2**20,
            "rss_after_mib": after / 2**20,
            "per_socket_kib": (after - self.before) / sockets / 1024,
        }


def plan(args: argparse.Namespace) -> list[workload.Release]:
    return workload.plan(teams=args.teams, injects=args.injects, first=args.first, every=args.every)


def run_client(coroutine: Any) -> Any:
    """The client's event loop: uvloop when installed (as uvicorn uses), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


async def in_thread(function: Callable, *args: Any) -> Any:
    """A Django call off the event loop, closing the helper thread's connection after it."""
    from bench.fanout import parley_side

    def call() -> Any:
        try:
            return function(*args)
        finally:
            parley_side.close_connection()

    return await asyncio.to_thread(call)


async def until(pending: Callable, timeout: float) -> None:
    """Until ``await pending()`` is falsy, polling; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while await pending():
        if time.monotonic() > deadline:
            raise TimeoutError("the scripted injects were not all released in time")
        await asyncio.sleep(0.5)


async def run_module(env: dict[str, str], module: str, *argv: str) -> str:
    """``python -m module argv...``, its stdout; killed if we are interrupted meanwhile."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *argv, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE
    )
    try:
        stdout, _ = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode:
        raise RuntimeError(f"{module} exited with {process.returncode}")
    return stdout.decode()


def latency_ms(per_client: list[tuple[Client, list[analysis.Frame]]], *, key_prefix: str) -> dict[str, float]:
    """Release-to-receipt latency of inject.released frames whose key starts with ``key_prefix``."""
    frames = [
        frame
        for _client, frames in per_client
        for frame in frames
        if frame.kind == "inject.released" and frame.key.startswith(key_prefix)
    ]
    return with_first_receipt(frames)


def with_first_receipt(frames: list[analysis.Frame]) -> dict[str, float]:
    """The latency distribution, and the median time from release to an event's first receipt."""
    figures = analysis.distribution_ms(analysis.latencies(frames))
    first = analysis.distribution_ms(analysis.first_receipts(frames))
    return {**figures, "first_p50": first["p50"], "first_max": first["max"]}


def deliveries(
    per_client: list[tuple[Client, list[analysis.Frame]]],
    expected: dict[str, list[int]],
    in_phase: Callable[[int], bool],
) -> dict[str, int]:
    wanted = {group: [seq for seq in seqs if in_phase(seq)] for group, seqs in expected.items()}
    received = [(client.group, [frame.seq for frame in frames]) for client, frames in per_client]
    return analysis.check_deliveries(received, wanted).as_dict()


def envelope_bytes(clients: list[Client]) -> int:
    """The largest frame text any client received (the releases to all teams)."""
    return max((len(text.encode()) for client in clients for _at, text in client.frames), default=0)


if __name__ == "__main__":
    main()
