"""How the after-action review holds up with a long log.

Builds two played-through runs of the Karst Pass demo scenario through the services,
one with a small log (200 events by default) and one with a large one (20,000), the
same way: two hours of exercise time moved forward with ``advance()``, so the scripted
injects go out and expectations are met or missed on time, while four teams of two
players call each other on hotlines between several pairs, talk and propose statements
in dialogues until they are adopted, take actions up and down the escalation ladder,
propose, answer and have joint operations adjudicated by the facilitator, who also sends
ad-hoc injects; an evaluator writes notes and rates the teams. Each minute of exercise time is
one transaction (the services nest their own inside it), so the log is exactly what
these moves would leave, only written faster.

Then it times what a facilitator asks for. In this process, with Django's Client: the
review page and the replay at mid-exercise. Over HTTP, from uvicorn serving
config.asgi:application as the README runs it (``--workers``, default 2) against the same
database and cache: the JSON review and events.csv, which are streamed, to their first
byte and to their last; and the PDF, first with no kept print (printed in the request)
and then kept. "cold" is the first request after the cache is cleared (the review's event
list is cached by the exercise's last seq); "warm" is the median of the requests after
it. Prints milliseconds per request and the large-to-small ratio, which is what to
compare between machines. Run it with REDIS_URL set, so that the server and this process
share the cache that "cold" clears.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_review python bench/review/run.py

``--reuse`` times exercises built by an earlier run with the same sizes instead of
building them again. ``--profile NAME ...`` then writes pyinstrument profiles of a cold and a
warm request of the large exercise to /tmp (page, replay, json, csv or pdf); ``--repeats 0``
skips the timings; ``--only json csv`` times only the requests named.
"""

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from exercise import access, actions, clock, dialogues, evaluation, exercises, hotlines, injects, jointops  # noqa: E402
from exercise.demo import load_demo  # noqa: E402
from exercise.demo.played import advance, write_up  # noqa: E402
from exercise.errors import DomainError  # noqa: E402
from exercise.models import Exercise, Hotline, ReviewPdf, Scenario  # noqa: E402
from exercise.roles import Caller, Role, caller_for_player, caller_for_user  # noqa: E402
from exercise.staff import create_staff  # noqa: E402

MINUTES = 120
TEAMS = ("DRV", "SRK", "ULM", "ESM")
PAIRS = (("DRV", "SRK"), ("DRV", "ULM"), ("SRK", "ESM"), ("ULM", "ESM"), ("DRV", "ESM"), ("SRK", "ULM"))
OPENINGS = (
    "Our post reports",
    "Please confirm",
    "We note",
    "For your information,",
    "Our minister asks whether",
    "We propose that",
    "Request clarification:",
    "We can confirm that",
)
SUBJECTS = (
    "the movement of the 7th Mountain Brigade towards Orvik",
    "small-arms fire near border marker 47 at 0612",
    "the convoy leaving the garrison at Telvo",
    "the position of your observation post on Hill 1312",
    "the reconnaissance flight over the valley road",
    "the closure of the two crossing points with Esmir",
    "the cessation of fire agreed at the flag meeting",
    "the casualty evacuated from Post 14",
)
CLOSINGS = (
    "We are holding fire and expect the same of your units.",
    "Please reply within the hour.",
    "Our commanders have been instructed to avoid any movement towards the pass.",
    "We would welcome observers from Esmir.",
    "",
    "This line stays open for the rest of the day.",
)
ACTION_KINDS = ("raise_alert", "lower_alert", "deploy_forces", "withdraw_forces", "public_statement")
OPERATION_KINDS = ("joint_patrol", "intelligence_sharing", "search_and_rescue", "humanitarian_relief")


def sentence(rng: random.Random) -> str:
    words = f"{rng.choice(OPENINGS)} {rng.choice(SUBJECTS)}. {rng.choice(CLOSINGS)}".strip()
    return words if rng.random() < 0.7 else f"{words} {rng.choice(OPENINGS)} {rng.choice(SUBJECTS)}."


class Players:
    """The moves of four teams, an evaluator and a facilitator, chosen at random but
    always ones the services accept in the state the exercise is in."""

    def __init__(self, exercise: Exercise, staff: Caller, evaluator: Caller, seed: int) -> None:
        self.ex = exercise.pk
        self.staff = staff
        self.evaluator = evaluator
        self.rng = random.Random(seed)
        teams = {t.key: t for t in exercise.teams.all()}
        self.team = {
            key: [
                caller_for_player(access.join_team(code=teams[key].join_code, name=f"{key} officer {n}")[0])
                for n in (1, 2)
            ]
            for key in TEAMS
        }
        self.lines: dict[tuple[str, str], int] = {}  # pair -> requested or open hotline
        self.dialogues: list[tuple[int, list[str]]] = []
        self.statements: list[tuple[int, list[str]]] = []  # statement, teams yet to endorse
        self.operations: list[tuple[int, list[str]]] = []  # operation, partners yet to answer
        self.answered: list[int] = []  # operations awaiting adjudication
        self.adhoc = 0
        self.reserved = {("DRV", "SRK")}  # the script's first call, until it is answered

    def player(self, key: str) -> Caller:
        return self.rng.choice(self.team[key])

    # Scripted moves, at the minutes the script gives them.

    def call(self, a: str, b: str) -> None:
        self.lines[(a, b)] = hotlines.request_call(caller=self.player(a), exercise_id=self.ex, to=b).obj.pk

    def answer(self, a: str, b: str, accept: bool = True) -> None:
        hotlines.answer_call(caller=self.player(b), hotline_id=self.lines[(a, b)], accept=accept)
        self.reserved.discard((a, b))
        if not accept:
            del self.lines[(a, b)]

    def act(self, key: str, kind: str, text: str) -> None:
        actions.take(caller=self.player(key), exercise_id=self.ex, kind=kind, text=text)

    def convene(self, key: str, title: str, invite: list[str]) -> None:
        dialogue = dialogues.convene(caller=self.player(key), exercise_id=self.ex, title=title, invite=invite).obj
        self.dialogues.append((dialogue.pk, [key, *invite]))

    def propose_operation(self, key: str, kind: str, partners: list[str], objective: str) -> int:
        operation = jointops.propose(
            caller=self.player(key), exercise_id=self.ex, kind=kind, partners=partners, objective=objective
        ).obj
        return operation.pk

    def verify(self) -> None:
        self.verification = self.propose_operation(
            "DRV", "border_verification", ["SRK"], "Survey border marker 47 together and record its position."
        )

    def accept_verification(self) -> None:
        jointops.answer(caller=self.player("SRK"), operation_id=self.verification, accept=True)
        self.answered.append(self.verification)

    # Unscripted moves: one at random, weighted like a busy exercise's traffic.

    def any_move(self) -> None:
        move = self.rng.choices(
            (self.hotline, self.dialogue, self.action, self.note, self.operation, self.rating, self.inject),
            weights=(50, 30, 6, 5, 4, 3, 0.5),
        )[0]
        move()

    def hotline(self) -> None:
        a, b = self.rng.choice([pair for pair in PAIRS if pair not in self.reserved])
        line = self.lines.get((a, b))
        if line is None:
            self.call(a, b)
            return
        status = Hotline.objects.filter(pk=line).values_list("status", flat=True).get()
        if status == Hotline.Status.REQUESTED:
            self.answer(a, b, accept=self.rng.random() < 0.9)
        elif self.rng.random() < 0.01:
            hotlines.close_call(caller=self.player(self.rng.choice((a, b))), hotline_id=line)
            del self.lines[(a, b)]
        else:
            speaker = self.rng.choice((a, b))
            hotlines.send_message(caller=self.player(speaker), hotline_id=line, text=sentence(self.rng))

    def dialogue(self) -> None:
        if not self.dialogues:
            return self.hotline()
        if self.statements and self.rng.random() < 0.3:
            statement, waiting = self.statements[0]
            dialogues.endorse(caller=self.player(waiting.pop(0)), statement_id=statement)
            if not waiting:
                self.statements.pop(0)
            return None
        dialogue, participants = self.rng.choice(self.dialogues)
        speaker = self.rng.choice(participants)
        if self.rng.random() < 0.04 and not self.statements:
            statement = dialogues.propose(
                caller=self.player(speaker),
                dialogue_id=dialogue,
                text=f"The participants agree that {self.rng.choice(SUBJECTS)} will be verified jointly.",
            ).obj
            self.statements.append((statement.pk, [t for t in participants if t != speaker]))
        else:
            dialogues.send_message(caller=self.player(speaker), dialogue_id=dialogue, text=sentence(self.rng))
        return None

    def action(self) -> None:
        key = self.rng.choice(TEAMS)
        kind = self.rng.choice(ACTION_KINDS)
        self.act(key, kind, sentence(self.rng) if kind == "public_statement" else self.rng.choice(SUBJECTS))

    def note(self) -> None:
        key = self.rng.choice(TEAMS)
        evaluation.add_note(caller=self.evaluator, exercise_id=self.ex, text=sentence(self.rng), team=key)

    def rating(self) -> None:
        evaluation.rate(
            caller=self.evaluator,
            exercise_id=self.ex,
            team=self.rng.choice(TEAMS),
            objective=self.rng.choice(("O1", "O2", "O3", "O4")),
            rating=self.rng.choice("PPSSSMU"),
            note=sentence(self.rng),
        )

    def operation(self) -> None:
        if self.answered:
            jointops.adjudicate(
                caller=self.staff,
                operation_id=self.answered.pop(0),
                outcome=self.rng.choice(("succeeded", "succeeded", "partial", "failed")),
                narrative=f"The operation went ahead; {self.rng.choice(SUBJECTS)} was examined.",
            )
        elif self.operations:
            operation, waiting = self.operations[0]
            accept = self.rng.random() < 0.85
            jointops.answer(caller=self.player(waiting.pop(0)), operation_id=operation, accept=accept)
            if not accept:
                waiting.clear()  # declined: nothing to adjudicate
            elif not waiting:
                self.answered.append(operation)
            if not waiting:
                self.operations.pop(0)
        else:
            key = self.rng.choice(TEAMS)
            partners = self.rng.sample([t for t in TEAMS if t != key], self.rng.choice((1, 1, 2)))
            kind = self.rng.choice(OPERATION_KINDS)
            operation = self.propose_operation(key, kind, partners, f"A {kind.replace('_', ' ')} near Karst Pass.")
            self.operations.append((operation, partners))

    def inject(self) -> None:
        self.adhoc += 1
        injects.send_adhoc(
            caller=self.staff,
            exercise_id=self.ex,
            title=f"Situation update {self.adhoc}",
            body=f"{sentence(self.rng)}\n\n{sentence(self.rng)}",
            kind="other",
            severity=self.rng.choice(("low", "medium", "high")),
            to=self.rng.choice(("all", ["DRV", "SRK"], ["ULM", "ESM"])),
        )


def script(p: Players) -> dict[int, list[Callable[[], object]]]:
    """Moves at given minutes, so each expectation of the scenario is decided one way or
    the other: the first call is answered late (E2 missed, which releases I2)."""
    return {
        7: [lambda: p.call("DRV", "SRK")],
        22: [lambda: p.answer("DRV", "SRK")],
        26: [lambda: p.act("DRV", "public_statement", "Dravonia is investigating the incident with Sarnek.")],
        31: [lambda: p.act("SRK", "raise_alert", "Border units on heightened alert.")],
        43: [lambda: p.convene("ULM", "Highland Security Dialogue", ["DRV", "SRK", "ESM"])],
        62: [lambda: p.act("DRV", "lower_alert", "Border units return to normal readiness.")],
        71: [lambda: p.convene("ESM", "Northern border working group", ["DRV", "SRK"])],
        76: [p.verify],
        83: [p.accept_verification],
    }


def last_seq(exercise_id: int) -> int:
    return Exercise.objects.filter(pk=exercise_id).values_list("last_seq", flat=True).get()


def build(events: int, facilitator, evaluator, seed: int = 1) -> Exercise:  # type: ignore[no-untyped-def]
    staff = caller_for_user(facilitator)
    exercise = exercises.create_exercise(
        caller=staff, scenario=Scenario.objects.get(key="karst-pass"), name=f"Bench review {events}", speed=1.0
    )
    players = Players(exercise, staff, caller_for_user(evaluator), seed)
    exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="start")
    scripted = script(players)
    for minute in range(1, MINUTES + 1):
        exercise.refresh_from_db()
        # Wall time passes while building too: move the clock only by what is left of the minute.
        advance(exercise, max(0.0, minute * 60 - clock.exercise_time(exercise)))
        target = events * minute // MINUTES - 1  # the end adds its own event
        with transaction.atomic():
            for move in scripted.get(minute, []):
                move()
            while last_seq(exercise.pk) < target:
                try:
                    with transaction.atomic():
                        players.any_move()
                except DomainError as exc:  # a move the state no longer allows: pick another
                    print(f"  skipped a move: {exc.message}", file=sys.stderr)
    exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="end")
    exercise.refresh_from_db()
    write_up(exercise, staff)
    return exercise


def timed(client: Client, path: str, repeats: int, check: Callable[[bytes], bool]) -> tuple[float, float, int]:
    """(cold ms, warm median ms, bytes): the first request after clearing the cache, then
    the median of ``repeats`` more."""
    samples = []
    size = 0
    cache.clear()
    for _ in range(repeats + 1):
        start = time.perf_counter()
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code, body[:300])
        assert check(body), (path, body[:300])
        size = len(body)
    return samples[0], statistics.median(samples[1:] or samples), size


def requests_for(exercise: Exercise) -> dict[str, tuple[str, Callable[[bytes], bool]]]:
    mid = (exercise.clock_base or 0) / 2
    n = exercise.last_seq

    def csv_rows(body: bytes) -> bool:
        return body.count(b"\n") >= n  # a header, then a row per event (text may hold newlines)

    return {
        "page": (f"/exercises/{exercise.pk}/review/", lambda b: b"</html>" in b),
        "replay": (f"/exercises/{exercise.pk}/review/replay?t={mid:.0f}&as=SRK", lambda b: len(b) > 0),
        "json": (f"/api/v1/exercises/{exercise.pk}/review", lambda b: f'"events": {n}'.encode() in b),
        "csv": (f"/exercises/{exercise.pk}/events.csv", csv_rows),
        "pdf": (f"/exercises/{exercise.pk}/review.pdf", lambda b: b.startswith(b"%PDF")),
    }


IN_PROCESS = ("page", "replay")
STREAMED = ("json", "csv")


class Server:
    """uvicorn serving the project as the README runs it, on a free port, logging to a file."""

    def __init__(self, workers: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = Path(tempfile.gettempdir()) / f"bench-review-uvicorn-{self.port}.log"
        env = {
            **os.environ,
            "SECRET_KEY": settings.SECRET_KEY,  # the sessions this process makes are the server's too
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
        argv = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1"]
        argv += ["--port", str(self.port), "--workers", str(workers), "--ws-per-message-deflate", "false"]
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while self.log.read_text(errors="replace").count("Application startup complete.") < workers:
            if self.popen.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise SystemExit(f"uvicorn did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)

    def get(self, path: str, cookie: str) -> tuple[float, float, bytes]:
        """(ms to the body's first byte, ms to its last, the body) of one GET."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            start = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
            response = connection.getresponse()
            first = None
            chunks = []
            while chunk := response.read1(1 << 20):
                first = first or time.perf_counter()
                chunks.append(chunk)
            end = time.perf_counter()
        finally:
            connection.close()
        body = b"".join(chunks)
        assert response.status == 200, (path, response.status, body[:300])
        return ((first or end) - start) * 1000, (end - start) * 1000, body

    def stop(self) -> None:
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait()


def streamed(
    server: Server, cookie: str, path: str, check: Callable[[bytes], bool], repeats: int
) -> tuple[tuple[float, float], tuple[float, float], int]:
    """((cold first byte, cold whole), (warm first byte, warm whole) medians, bytes) over HTTP."""
    cache.clear()
    samples = []
    size = 0
    for _ in range(repeats + 1):
        first, whole, body = server.get(path, cookie)
        assert check(body), (path, body[:300])
        samples.append((first, whole))
        size = len(body)
    warm = samples[1:] or samples
    return samples[0], (statistics.median(f for f, _ in warm), statistics.median(w for _, w in warm)), size


def printed(server: Server, cookie: str, exercise: Exercise, repeats: int) -> tuple[float, float, bool]:
    """(ms of the first download with no kept print, median ms of the downloads after it, and
    whether they were the same bytes)."""
    ReviewPdf.objects.filter(exercise=exercise).delete()
    cache.clear()
    path, check = requests_for(exercise)["pdf"]
    _, first, body = server.get(path, cookie)
    assert check(body)
    again = [server.get(path, cookie) for _ in range(max(repeats, 1))]
    return first, statistics.median(whole for _, whole, _ in again), all(b == body for _, _, b in again)


def existing(events: int) -> Exercise | None:
    return Exercise.objects.filter(name=f"Bench review {events}", status=Exercise.Status.ENDED).order_by("-id").first()


def profile(client: Client, path: str, name: str) -> None:
    """A pyinstrument profile of the first request after a cache clear, and of the next."""
    from pyinstrument import Profiler

    cache.clear()
    for state in ("cold", "warm"):
        profiler = Profiler(interval=0.001)
        profiler.start()
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        profiler.stop()
        out = Path(tempfile.gettempdir()) / f"bench-review-{name}-{state}.txt"
        out.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        out.with_suffix(".html").write_text(profiler.output_html())
        print(f"profile of {path} ({state}) in {out} (and .html)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--baseline", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5, help="warm requests per URL (the PDF: --pdf-repeats)")
    parser.add_argument("--pdf-repeats", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="time exercises an earlier run built")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--profile", nargs="*", default=[], choices=["page", "replay", "json", "csv", "pdf"])
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers serving the HTTP timings")
    parser.add_argument(
        "--only", nargs="+", default=[*IN_PROCESS, *STREAMED, "pdf"], choices=[*IN_PROCESS, *STREAMED, "pdf"]
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    demo = load_demo()
    facilitator = type(demo.exercise.created_by).objects.get(username=demo.username)
    evaluator = create_staff(username="bench-evaluator", role=Role.EVALUATOR)[0]
    built = {}
    for size in (args.baseline, args.events):
        exercise = existing(size) if args.reuse else None
        if exercise is None:
            started = time.perf_counter()
            exercise = build(size, facilitator, evaluator)
            print(f"built {exercise.last_seq} events in {time.perf_counter() - started:.0f} s")
        else:
            print(f"reusing exercise {exercise.pk} with {exercise.last_seq} events")
        built[size] = exercise
    if args.build_only:
        return
    print(f"database: {connection.vendor}; cache: {settings.CACHES['default']['BACKEND']}")
    # A client that is not Django's test environment: that one instruments every template
    # render to capture contexts, which would slow the pages down.
    client = Client(HTTP_HOST="localhost")
    client.force_login(facilitator)
    for name, (path, check) in requests_for(built[args.baseline]).items():  # warm-up: imports, templates, fonts
        if name in args.only:
            timed(client, path, 0, check)
    results = {}
    for name in args.profile:
        path, _check = requests_for(built[args.events])[name]
        profile(client, path, name)
    if not args.repeats:
        return
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for size, exercise in built.items():
        results[size] = {
            name: timed(client, path, args.repeats, check)
            for name, (path, check) in requests_for(exercise).items()
            if name in IN_PROCESS and name in args.only
        }
    names = [name for name in STREAMED if name in args.only]  # over HTTP
    server = Server(args.workers)
    try:
        cookie = client.cookies["sessionid"].value
        for exercise in built.values():  # warm-up of each worker: imports, templates, fonts
            for name, (path, _check) in requests_for(exercise).items():
                for _ in range(args.workers if name in args.only else 0):
                    server.get(path, cookie)
        over_http = {
            size: {name: streamed(server, cookie, *requests_for(exercise)[name], args.repeats) for name in names}
            for size, exercise in built.items()
        }
        pdfs = {
            size: printed(server, cookie, exercise, args.pdf_repeats)
            for size, exercise in built.items()
            if "pdf" in args.only
        }
    finally:
        server.stop()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    small, large = args.baseline, args.events
    print("\nIn process (Django's Client):")
    print(f"{'':<8}{'cold ms':>20}{'warm ms':>20}{'ratio':>14}{'bytes':>20}")
    print(f"{'request':<8}" + f"{small:>10}{large:>10}" * 2 + f"{'cold':>7}{'warm':>7}" + f"{small:>10}{large:>10}")
    for name in results[small]:
        (sc, sw, sb), (lc, lw, lb) = results[small][name], results[large][name]
        print(f"{name:<8}{sc:>10.1f}{lc:>10.1f}{sw:>10.1f}{lw:>10.1f}{lc / sc:>7.1f}{lw / sw:>7.1f}{sb:>10}{lb:>10}")
    print(f"\nOver HTTP (uvicorn, {args.workers} workers), first byte / whole, ms:")
    columns = ("cold first", "cold whole", "warm first", "warm whole")
    print(f"{'request':<8}{'events':>8}" + "".join(f"{c:>12}" for c in columns) + f"{'bytes':>11}")
    for size in (small, large):
        for name in names:
            (cf, cw), (wf, ww), nbytes = over_http[size][name]
            print(f"{name:<8}{size:>8}{cf:>12.1f}{cw:>12.1f}{wf:>12.1f}{ww:>12.1f}{nbytes:>11}")
    for name in names:
        (cf, cw), (wf, ww), _ = over_http[large][name]
        (bcf, bcw), (bwf, bww), _ = over_http[small][name]
        print(f"{name:<8}{'ratio':>8}{cf / bcf:>12.1f}{cw / bcw:>12.1f}{wf / bwf:>12.1f}{ww / bww:>12.1f}")
    if not pdfs:
        return
    print("\nPDF over HTTP: first download (printed) / second (kept), ms:")
    for size in (small, large):
        first, second, same = pdfs[size]
        print(f"pdf     {size:>8}{first:>12.1f}{second:>12.1f}   ratio {first / second:.0f}   same bytes: {same}")


if __name__ == "__main__":
    main()
