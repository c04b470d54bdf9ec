"""A uvicorn worker killed (SIGKILL) under the production command, `--workers 2`, with
players' and staff pages following the exercise on sockets and commands arriving: the
sockets it held reconnect to the other worker and resume, and every page receives every
event it may see exactly once, in order; every command sent again after a dropped
answer is recorded once."""

import http.client
import itertools
import os
import signal
import time
from collections import Counter

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from exercise import exercises, hotlines
from exercise.envelopes import visible_after
from exercise.models import CommandReceipt, Exercise, Team
from gateway.sessions import SESSION_KEY
from tests import builders
from tests.faults.http_client import Answer, send
from tests.faults.sockets import Follower, Followers
from tests.processes import Server, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

COMMANDS = 40
KILL_AT = 12
_client_ids = itertools.count(1)


def player_session(player) -> str:
    session = SessionStore()
    session[SESSION_KEY] = player.pk
    session.create()
    return session.session_key


def send_until_answered(server: Server, path: str, body: dict, token: str) -> Answer:
    """A command sent again, with its client_id, while the answer is lost or a 503."""
    answers: list[Answer] = []

    def answered() -> bool:
        try:
            answers.append(send(server.port, "POST", path, json_body=body, token=token, timeout=20))
        except (OSError, http.client.HTTPException):  # the worker died with the request
            return False
        return answers[-1].status != 503

    wait_until(answered, 30, f"{path}: never answered")
    return answers[-1]


def expected_seqs(exercise: Exercise, team: Team | None) -> list[int]:
    return [item["seq"] for item in visible_after(exercise, team, 0)]


def test_a_killed_worker_drops_sockets_that_resume_with_nothing_lost_or_doubled(facilitator, exercise, start_server):
    server = start_server(workers=2)
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    teams = {team.key: team for team in exercise.teams.all()}
    arc, bor, cal = (builders.player(teams[key]) for key in ("ARC", "BOR", "CAL"))
    arc_deputy = builders.player(teams["ARC"], "Maj. Lind")
    line = hotlines.request_call(caller=arc.caller, exercise_id=exercise.pk, to="BOR").obj
    hotlines.answer_call(caller=bor.caller, hotline_id=line.pk, accept=True)
    staff = Client()
    staff.force_login(facilitator.user)
    audiences = {"ARC": teams["ARC"], "ARC deputy": teams["ARC"], "BOR": teams["BOR"], "CAL": teams["CAL"]}
    sessions = {
        "ARC": player_session(arc.player),
        "ARC deputy": player_session(arc_deputy.player),
        "BOR": player_session(bor.player),
        "CAL": player_session(cal.player),
        "staff": staff.cookies["sessionid"].value,
    }
    pages = [Follower(name, server, exercise.pk, session) for name, session in sessions.items()]
    audience = {page.name: audiences.get(page.name) for page in pages}
    sent: list[str] = []

    def command(i: int) -> None:
        """Actions that everyone sees, and hotline messages that CAL must not."""
        client_id = f"k{next(_client_ids)}"
        sent.append(client_id)
        if i % 2:
            body = {"text": f"Message {i}.", "client_id": client_id}
            answer = send_until_answered(server, f"/api/v1/hotlines/{line.pk}/messages", body, arc.token)
        else:
            player = (arc, bor, cal)[i % 3]
            body = {"kind": "public_statement", "text": f"Statement {i}.", "client_id": client_id}
            answer = send_until_answered(server, f"/api/v1/exercises/{exercise.pk}/actions", body, player.token)
        assert answer.status == 201, answer.text[:500]

    def caught_up() -> bool:
        return all(page.last_seq == (expected_seqs(exercise, audience[page.name]) or [0])[-1] for page in pages)

    with Followers(pages):
        wait_until(lambda: all(page.client_port for page in pages) and caught_up(), 30, "the pages never caught up")
        serving = {page.name: server.worker_serving(page.client_port) for page in pages}
        victim, _ = Counter(serving.values()).most_common(1)[0]
        assert victim is not None, f"no worker holds the sockets: {serving}"
        on_victim = {name for name, pid in serving.items() if pid == victim}
        for i in range(COMMANDS):
            if i == KILL_AT:
                os.kill(victim, signal.SIGKILL)
            command(i)
            time.sleep(0.02)
        wait_until(caught_up, 30, lambda: "pages behind: " + ", ".join(f"{p.name} at {p.last_seq}" for p in pages))
        time.sleep(0.5)  # anything sent twice would arrive now

    print(f"\nkilled the worker that held {sorted(on_victim)}")
    for page in pages:
        received = [frame["seq"] for frame in page.frames]
        assert received == expected_seqs(exercise, audience[page.name]), page.name
        assert (page.connections > 1) == (page.name in on_victim), f"{page.name}: {page.connections} connections"
    receipts = CommandReceipt.objects.filter(exercise=exercise).values_list("client_id", flat=True)
    assert Counter(receipts) == Counter(sent)
