"""How the facilitator console holds up as the log grows.

Builds one exercise with a small log and one with a large one (10,000 events by default:
calls, messages, actions and notes from four teams), then times, in the same process and
against the same database, what the console asks for: the exercise page, the scores and
the latest window of events. Prints milliseconds per request (median of several) and the
large-to-small ratio, which is what to compare between machines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parley_bench python bench/console/run.py
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from exercise import actions, evaluation, exercises, hotlines  # noqa: E402
from exercise.demo import load_demo  # noqa: E402
from exercise.models import Exercise, Scenario  # noqa: E402
from exercise.roles import caller_for_user  # noqa: E402
from tests import builders  # noqa: E402


def build(events: int, facilitator) -> Exercise:  # type: ignore[no-untyped-def]
    caller = caller_for_user(facilitator)
    exercise = exercises.create_exercise(
        caller=caller, scenario=Scenario.objects.get(key="karst-pass"), name=f"Bench {events}", speed=1
    )
    exercises.change_status(caller=caller, exercise_id=exercise.pk, transition="start")
    teams = list(exercise.teams.all())
    players = [builders.player(team, f"Bench {team.key}").caller for team in teams]
    hotline = hotlines.request_call(caller=players[0], exercise_id=exercise.pk, to=teams[1].key).obj
    hotlines.answer_call(caller=players[1], hotline_id=hotline.pk, accept=True)
    while exercise.events.count() < events:
        n = exercise.events.count()
        if n % 10 == 0:
            actions.take(
                caller=players[n % len(players)], exercise_id=exercise.pk, kind="public_statement", text=f"S{n}"
            )
        elif n % 10 == 1:
            evaluation.add_note(caller=caller, exercise_id=exercise.pk, text=f"Note {n}", team=teams[0].key)
        else:
            speaker = players[n % 2]
            hotlines.send_message(caller=speaker, hotline_id=hotline.pk, text=f"Message {n} " + "x" * 80)
    exercise.refresh_from_db()
    return exercise


def timed(client: Client, path: str, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    demo = load_demo()
    facilitator = type(demo.exercise.created_by).objects.get(username=demo.username)
    client = Client()
    client.force_login(facilitator)
    results = {}
    for size in (args.baseline, args.events):
        started = time.perf_counter()
        exercise = build(size, facilitator)
        print(f"built {exercise.events.count()} events in {time.perf_counter() - started:.0f} s")
        results[size] = {
            "page": timed(client, f"/facilitator/exercises/{exercise.pk}/", args.repeats),
            "scores": timed(client, f"/api/v1/exercises/{exercise.pk}/scores", args.repeats),
            "window": timed(
                client, f"/api/v1/exercises/{exercise.pk}/events?after={max(0, exercise.last_seq - 200)}", args.repeats
            ),
        }
    print(f"{'request':<10}{args.baseline:>10} ev{args.events:>10} ev{'ratio':>8}")
    for name in ("page", "scores", "window"):
        small, large = results[args.baseline][name], results[args.events][name]
        print(f"{name:<10}{small:>10.1f} ms{large:>9.1f} ms{large / small:>8.1f}")


if __name__ == "__main__":
    main()
