"""Do review prints hold up the clock? Release lateness while long exercises end.

When an exercise ends, a Celery worker prints its review (``facilitator.tasks.print_review``),
which takes a long exercise's print seconds of a worker process. This runs the production
Celery processes against the review benchmark's database, whose 20,000-event exercise
``bench/review`` builds (``bench/review/run.py --build-only`` first), in two shapes, one
after the other, with the same load:

- **shared**: one worker for everything, ``--queues celery,prints --concurrency 2``, as
  before prints had a queue of their own;
- **split**: the README's, the clock's worker ``--queues celery --concurrency 2`` and the
  printer ``--queues prints --concurrency 1``.

In each, beat drives a new running exercise (speed 1, two teams) whose scripted injects fall
due every second from its second second on; a second after its start, ``--prints`` prints
of the long exercise's review are queued at once, as when that many long exercises end
together (its kept print is removed first, so each one prints). Lateness is a release's
exercise time minus its due time, as in ``bench/fanout``. Prints the lateness of every
release, of those due while the prints ran, and how long the prints took.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reviewscale \\
        flock /tmp/parley-bench.lock python bench/prints/run.py
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.fanout import analysis, report  # noqa: E402
from bench.fanout.environment import flush_redis, production_env, setup_django  # noqa: E402
from bench.fanout.processes import Processes, wait_for_log, wait_until  # noqa: E402
from bench.fanout.workload import plan  # noqa: E402

SHAPES = {
    "shared": [("worker", ["--queues", "celery,prints", "--concurrency", "2"])],
    "split": [
        ("worker", ["--queues", "celery", "--concurrency", "2"]),
        ("printer", ["--queues", "prints", "--concurrency", "1"]),
    ],
}
TEAMS = 2


def run_shape(shape: str, args: argparse.Namespace, env: dict[str, str], logs: Path) -> dict[str, Any]:
    from bench.fanout import parley_side
    from exercise import clock, exercises
    from exercise.models import Exercise, ReviewPdf
    from exercise.roles import Role, caller_for_user
    from exercise.scenarios import import_scenario
    from exercise.staff import create_staff
    from facilitator.tasks import print_review

    long = Exercise.objects.filter(name=f"Bench review {args.events}", status=Exercise.Status.ENDED).last()
    if long is None:
        raise SystemExit(f"no ended 'Bench review {args.events}': run bench/review/run.py --build-only first")
    user, _password, _token = create_staff(username="bench-prints", role=Role.FACILITATOR)
    caller = caller_for_user(user)
    assert caller is not None
    releases = plan(teams=TEAMS, injects=args.injects, first=2.0, every=1.0)
    document = parley_side.scenario_document(releases, TEAMS) | {"key": f"bench-prints-{uuid.uuid4().hex[:8]}"}
    scenario = import_scenario(caller=caller, document=document)
    exercise = exercises.create_exercise(caller=caller, scenario=scenario, name=f"Prints benchmark, {shape}")

    flush_redis(args.redis_url)
    shape_logs = logs / shape
    shape_logs.mkdir()
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    with Processes(shape_logs, cwd=ROOT, env=env) as procs:
        workers = [
            (name, procs.start(name, [*celery, "worker", "--loglevel", "INFO", *options]))
            for name, options in SHAPES[shape]
        ]
        for name, process in workers:
            wait_for_log(" ready.", process, procs.log(name))
        beat = procs.start("beat", [*celery, "beat", "--loglevel", "INFO", "--schedule", str(shape_logs / "schedule")])
        wait_for_log("Sending due task clock-tick", beat, procs.log("beat"))

        exercises.change_status(caller=caller, exercise_id=exercise.pk, transition="start")
        time.sleep(1.0)
        ReviewPdf.objects.filter(exercise=long).delete()
        queued_at = clock.exercise_time(Exercise.objects.get(pk=exercise.pk))
        queued = time.monotonic()
        for _ in range(args.prints):
            print_review.apply_async((long.pk,))

        def printed() -> int:
            return sum(
                "print_review[" in line and " succeeded in " in line
                for name, _ in workers
                for line in procs.log(name).read_text(errors="replace").splitlines()
            )

        wait_until(lambda: printed() >= args.prints, beat, procs.log("beat"), 300, "the prints")
        prints_took = time.monotonic() - queued
        wait_until(lambda: parley_side.scripted_pending(exercise.pk) == 0, beat, procs.log("beat"), 300, "the releases")

    late = parley_side.releases(exercise.pk)
    during = [seconds for due, seconds in late if queued_at <= due <= queued_at + prints_took]
    exercises.change_status(caller=caller, exercise_id=exercise.pk, transition="end")
    return {"all": [seconds for _, seconds in late], "during": during, "prints_took": prints_took}


def figures(seconds: list[float]) -> str:
    return report.lateness({"lateness": analysis.distribution_ms(seconds)}) if seconds else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20_000, help="the long exercise bench/review built")
    parser.add_argument("--prints", type=int, default=2, help="prints queued at once")
    parser.add_argument("--injects", type=int, default=12)
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()
    if not args.database_url:
        raise SystemExit("set DATABASE_URL to the database bench/review built")
    logs = Path(tempfile.mkdtemp(prefix="bench-prints-"))
    env = production_env(database_url=args.database_url, redis_url=args.redis_url, workdir=logs)
    setup_django(env)
    print(f"logs in {logs}; load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = {shape: run_shape(shape, args, env, logs) for shape in args.shapes}
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(f"{args.prints} prints of the {args.events:,}-event review queued at once; lateness p50 / p99 / max (ms)")
    print(f"{'shape':8} {'releases':>9} {'all':>18} {'due during the prints':>24} {'prints took':>12}")
    for shape, result in results.items():
        print(
            f"{shape:8} {len(result['all']):>9} {figures(result['all']):>18} "
            f"{figures(result['during']):>24} {result['prints_took']:>10.1f} s"
        )


if __name__ == "__main__":
    main()
