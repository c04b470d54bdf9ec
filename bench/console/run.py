"""How the facilitator console holds up as the log grows, on the server and in Chromium.

Builds one exercise with a small log (100 events by default, the baseline) and one with a
large one (10,000: calls, messages, actions and notes from four teams) through the
services, then, for each:

- times in this process what the console asks the server for: the exercise page, the
  scores and the latest window of events (median of ``--repeats``);
- serves the app with uvicorn (the settings of the environment) and opens the control
  room in Chromium at 1,366 × 768, signed in as the demo facilitator: the time until the
  page has drawn the whole log from the socket's replay (with the times its socket got
  the first and the last frame, from navigation start), the time to apply a team filter
  to the feed (and to clear it), and the time from posting an evaluation note to its line
  in the feed while the whole log is on the page (bench/console/browser.py).

Prints milliseconds (medians) and the large-to-small ratio, which is what to compare
between machines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parley_console python bench/console/run.py

(REDIS_URL too, to serve as in production.) Needs Chromium at /usr/bin/chromium.

``--reuse`` measures the exercises an earlier run built (named "Bench N") instead of
building them again; each run adds its live notes to them, and the table gives the size
each had when measured.
"""

import argparse
import os
import statistics
import sys
import tempfile
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

from bench.console import browser as chromium  # noqa: E402
from bench.fanout.processes import Processes, wait_for_port  # noqa: E402
from exercise import actions, evaluation, exercises, hotlines  # noqa: E402
from exercise.demo import load_demo  # noqa: E402
from exercise.models import Exercise, Scenario  # noqa: E402
from exercise.roles import caller_for_user  # noqa: E402
from tests import builders  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


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


def built(events: int, facilitator, reuse: bool) -> Exercise:  # type: ignore[no-untyped-def]
    earlier = Exercise.objects.filter(name=f"Bench {events}", last_seq__gte=events).order_by("-id").first()
    if reuse and earlier is not None:
        return earlier
    started = time.perf_counter()
    exercise = build(events, facilitator)
    print(f"built {exercise.last_seq} events in {time.perf_counter() - started:.0f} s")
    return exercise


def timed(client: Client, path: str, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(samples)


def server_side(client: Client, exercise: Exercise, repeats: int) -> dict[str, float]:
    return {
        "page": timed(client, f"/facilitator/exercises/{exercise.pk}/", repeats),
        "scores": timed(client, f"/api/v1/exercises/{exercise.pk}/scores", repeats),
        "window": timed(
            client, f"/api/v1/exercises/{exercise.pk}/events?after={max(0, exercise.last_seq - 200)}", repeats
        ),
    }


def in_chromium(exercises_by_size: dict[int, Exercise], demo, repeats: int, port: int) -> dict[int, dict[str, float]]:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    results: dict[int, dict[str, float]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="bench-console-") as logs,
        Processes(Path(logs), cwd=ROOT, env=dict(os.environ)) as procs,
    ):
        argv = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
        server = procs.start("uvicorn", [*argv, "--ws-per-message-deflate", "false"])
        wait_for_port(port, server, procs.log("uvicorn"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = chromium.sign_in(browser, f"http://127.0.0.1:{port}", demo.username, demo.password)
            for size, (exercise, teams) in exercises_by_size.items():
                timings = chromium.measure(page, exercise.pk, exercise.last_seq, teams, repeats)
                results[size] = {
                    "first_frame": chromium.median(timings.first_frame),
                    "last_frame": chromium.median(timings.last_frame),
                    "replay": chromium.median(timings.replay),
                    "filter": chromium.median(timings.filter),
                    "live": chromium.median(timings.live),
                }
            browser.close()
    return results


ROWS = {
    "page": "exercise page (server)",
    "scores": "scores (server)",
    "window": "latest 200 events (server)",
    "first_frame": "socket's first frame (Chromium)",
    "last_frame": "socket's last frame (Chromium)",
    "replay": "whole log drawn (Chromium)",
    "filter": "team filter applied (Chromium)",
    "live": "live note to feed line (Chromium)",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    demo = load_demo()
    facilitator = type(demo.exercise.created_by).objects.get(username=demo.username)
    client = Client()
    client.force_login(facilitator)
    results: dict[int, dict[str, float]] = {}
    chosen: dict[int, tuple[Exercise, list[str]]] = {}
    for size in (args.baseline, args.events):
        exercise = built(size, facilitator, args.reuse)
        chosen[size] = (exercise, [team.key for team in exercise.teams.all()])
        results[size] = server_side(client, exercise, args.repeats)
    for size, measured in in_chromium(chosen, demo, args.repeats, args.port).items():
        results[size] |= measured
    small_name, large_name = (f"{chosen[size][0].last_seq:,} events" for size in (args.baseline, args.events))
    print(f"{'':<36}{small_name:>14}{large_name:>16}{'ratio':>8}")
    for key, name in ROWS.items():
        small, large = results[args.baseline][key], results[args.events][key]
        print(f"{name:<36}{small:>11.1f} ms{large:>13.1f} ms{large / small:>8.1f}")


if __name__ == "__main__":
    main()
