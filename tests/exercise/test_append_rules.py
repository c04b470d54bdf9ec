"""A hotline message, which does not lock the exercise before its own work, is refused
when the exercise is paused or ended by the time its seq is taken, and appends nothing;
and the expectation engine still decides checks a hotline command meets."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction
from django.test import Client

from exercise import exercises, injects
from exercise.models import Event, Exercise, ExpectationCheck, Message
from tests import builders
from tests.api.test_exercises_api import assert_error
from tests.exercise.test_injects import advance

API = "/api/v1"


class Line:
    """A running exercise with an open hotline from ARC to BOR, driven over HTTP."""

    def __init__(self, facilitator, exercise):
        self.facilitator = facilitator
        self.exercise = exercise
        self.api = builders.ApiClient(Client())
        self.tokens = {t.key: builders.player(t, f"Officer of {t.key}").token for t in exercise.teams.all()}
        self.transition("start")
        self.hotline = self.post(f"/exercises/{exercise.pk}/hotlines", {"to": "BOR"}, "ARC").json()["id"]
        assert self.post(f"/hotlines/{self.hotline}/accept", who="BOR").status_code == 200

    def transition(self, name: str) -> None:
        exercises.change_status(caller=self.facilitator.caller, exercise_id=self.exercise.pk, transition=name)

    def post(self, path: str, body=None, who: str = "ARC"):
        return self.api.post(API + path, body, token=self.tokens[who])

    def message(self, text: str = "Hold fire at the post.", who: str = "ARC"):
        return self.post(f"/hotlines/{self.hotline}/messages", {"text": text}, who)

    def seqs(self) -> list[int]:
        return list(Event.objects.filter(exercise=self.exercise).order_by("seq").values_list("seq", flat=True))

    def last_seq(self) -> int:
        return Exercise.objects.get(pk=self.exercise.pk).last_seq


def assert_gap_free(line: Line) -> None:
    assert line.seqs() == list(range(1, line.last_seq() + 1))


@pytest.mark.django_db
@pytest.mark.parametrize("transition", ["pause", "end"])
def test_a_message_while_the_exercise_is_not_running_is_refused_and_appends_nothing(facilitator, exercise, transition):
    line = Line(facilitator, exercise)
    line.transition(transition)
    before = (line.seqs(), Message.objects.count())

    error = assert_error(line.message(), 409)

    assert error["code"] == "invalid_state"
    assert (line.seqs(), Message.objects.count()) == before
    assert_gap_free(line)


@pytest.mark.django_db
def test_after_a_refused_message_the_next_one_takes_the_next_seq(facilitator, exercise):
    line = Line(facilitator, exercise)
    line.transition("pause")
    assert_error(line.message(), 409)
    line.transition("resume")
    sent = line.message()
    assert sent.status_code == 201, sent.content
    assert sent.json()["seq"] == line.last_seq()
    assert_gap_free(line)


def paused_but_not_committed(line: Line, paused: threading.Event, commit: threading.Event) -> None:
    try:
        with transaction.atomic():
            line.transition("pause")
            paused.set()
            commit.wait(5)
    finally:
        close_old_connections()


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_exercise_is_paused_while_it_waits_for_the_seq_is_refused(facilitator, exercise):
    """The race itself: the message reads a running exercise, the pause commits while the
    message waits for the exercise's row, and the seq it would take is not taken."""
    line = Line(facilitator, exercise)
    last = line.last_seq()
    paused, commit = threading.Event(), threading.Event()
    pauser = threading.Thread(target=paused_but_not_committed, args=(line, paused, commit), daemon=True)
    pauser.start()
    assert paused.wait(5)
    answers = []

    def send() -> None:
        try:
            answers.append(line.message())
        finally:
            close_old_connections()

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        for _ in range(500):  # until the message waits for the pause's lock
            if waiting_for_a_lock():
                break
            sender.join(0.01)
        assert waiting_for_a_lock()
    finally:
        commit.set()
        pauser.join(5)
        sender.join(5)

    [answer] = answers
    assert_error(answer, 409)
    assert not Message.objects.exists()
    assert line.last_seq() == last + 1  # the pause's event, and nothing after it
    assert Event.objects.get(exercise=exercise, seq=last + 1).kind == "exercise.paused"
    assert_gap_free(line)


# The expectation engine on the hotline path (the karst scenario: after I1, ARC and BOR
# are each expected to request a hotline within 15 minutes, E1).


def expectation_events(exercise) -> list[tuple[str, str]]:
    found = Event.objects.filter(exercise=exercise, kind__startswith="expectation.").order_by("seq")
    return [(e.kind, e.data["team"]) for e in found]


def call(api, exercise, token: str, to: str) -> dict:
    response = api.post(f"{API}/exercises/{exercise.pk}/hotlines", {"to": to}, token=token)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def karst(api, facilitator, exercise):
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    tokens = {t.key: builders.player(t, f"Officer of {t.key}").token for t in exercise.teams.all()}
    return exercise, tokens


def release_first_inject(exercise) -> None:
    advance(exercise, 301)
    assert [e.data["key"] for e in injects.release_due_injects(exercise_id=exercise.pk)] == ["I1"]


@pytest.mark.django_db
def test_a_hotline_request_meets_the_open_expectation(api, karst):
    exercise, tokens = karst
    release_first_inject(exercise)
    assert ExpectationCheck.objects.filter(exercise=exercise, status="open").count() == 2

    requested = call(api, exercise, tokens["ARC"], "BOR")

    assert expectation_events(exercise) == [("expectation.met", "ARC")]
    met = ExpectationCheck.objects.get(exercise=exercise, team__key="ARC")
    assert (met.status, met.decided_by) == ("met", requested["seq"])
    assert ExpectationCheck.objects.get(exercise=exercise, team__key="BOR").status == "open"


@pytest.mark.django_db
def test_hotline_requests_with_no_open_check_decide_nothing_and_work(api, karst):
    exercise, tokens = karst
    early = call(api, exercise, tokens["ARC"], "BOR")  # before I1: no check exists yet
    assert early["status"] == "requested"
    assert expectation_events(exercise) == []

    release_first_inject(exercise)
    call(api, exercise, tokens["ARC"], "CAL")
    call(api, exercise, tokens["BOR"], "CAL")
    assert expectation_events(exercise) == [("expectation.met", "ARC"), ("expectation.met", "BOR")]

    declined = api.post(f"{API}/hotlines/{early['id']}/decline", token=tokens["BOR"])
    assert declined.status_code == 200, declined.content
    later = call(api, exercise, tokens["BOR"], "ARC")  # every check decided: none is open
    assert later["seq"] == Exercise.objects.get(pk=exercise.pk).last_seq
    assert expectation_events(exercise) == [("expectation.met", "ARC"), ("expectation.met", "BOR")]
