"""The live expectation engine: checks opened on release, decided by team events, by the
clock and by the end of the exercise; replaying the log decides exactly the same."""

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from exercise import actions, clock, dialogues, exercises, hotlines, injects, jointops, reports
from exercise.commands import Done
from exercise.envelopes import visible_after
from exercise.models import Event, Exercise, ExerciseInject, ExpectationCheck
from exercise.scenarios import scenario_spec
from exercise.scoring import decisions
from exercise.selectors import scores, staff_events
from tests import builders
from tests.exercise.test_injects import advance

pytestmark = pytest.mark.django_db

# Fast enough that a real wait of half a second is half a minute of exercise time.
SPEED = 60


def inject(key: str, *expect: dict, to: Any = ("ARC", "BOR"), **timing: Any) -> dict[str, Any]:
    """A scripted inject, due at 5m unless given `at` or `trigger`."""
    return {
        "key": key,
        "title": f"Inject {key}",
        "kind": "border_tension",
        "severity": "high",
        "to": to if to == "all" else list(to),
        "body": "",
        **(timing or {"at": "5m"}),
        "expect": list(expect),
    }


def expectation(
    key: str, event: str, *, mode: str = "each", teams: Any = ("ARC", "BOR"), within: str = "15m", **extra: Any
) -> dict[str, Any]:
    teams = teams if teams == "all" else list(teams)
    return {"key": key, mode: teams, "event": event, "within": within, "points": 10, **extra}


CALL = expectation("E1", "hotline.requested", objective="O1")
STATEMENT = expectation("E2", "action.taken", mode="any", where={"kind": "public_statement"}, within="10m", points=5)


@dataclass
class Run:
    """A running exercise with one player per team, driven through the services."""

    exercise: Exercise
    facilitator: builders.Staff
    teams: dict[str, builders.Joined]

    def tick(self) -> list[str]:
        """What the clock tick does; the keys of the injects it released."""
        return [e.data["key"] for e in injects.release_due_injects(exercise_id=self.exercise.pk)]

    def release_first(self) -> Event:
        advance(self.exercise, 301)
        assert self.tick() == ["I1"]
        return Event.objects.get(exercise=self.exercise, kind="inject.released", data__key="I1")

    def call(self, team: str, to: str) -> Done:
        return hotlines.request_call(caller=self.teams[team].caller, exercise_id=self.exercise.pk, to=to)

    def act(self, team: str, kind: str) -> Done:
        caller = self.teams[team].caller
        return actions.take(caller=caller, exercise_id=self.exercise.pk, kind=kind, text=f"{team} {kind}")

    def change(self, transition: str) -> None:
        exercises.change_status(caller=self.facilitator.caller, exercise_id=self.exercise.pk, transition=transition)


@pytest.fixture
def start(facilitator):
    def begin(*items: dict) -> Run:
        scenario = builders.scenario(facilitator.caller, injects=list(items))
        exercise = builders.exercise(facilitator.caller, scenario, speed=SPEED)
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        teams = {t.key: builders.player(t, f"Officer of {t.key}") for t in exercise.teams.all()}
        return Run(exercise, facilitator, teams)

    return begin


def stand_at(exercise: Exercise, at: float) -> None:
    """Hold a running clock at exactly ``at`` exercise seconds: with its anchor an hour
    ahead, no wall time has passed since the anchor and the clock reads its base."""
    exercise.refresh_from_db()
    exercise.clock_base = at
    exercise.clock_anchor = timezone.now() + timedelta(hours=1)
    exercise.save(update_fields=["clock_base", "clock_anchor"])


def decided(exercise: Exercise) -> list[tuple[str, str, str | None]]:
    """(met or missed, expectation, team; for `any`, the team that met it), in log order."""
    return [
        (e.kind.removeprefix("expectation."), e.data["expectation"], e.data["team"] or e.data["met_by"])
        for e in Event.objects.filter(exercise=exercise, kind__startswith="expectation.").order_by("seq")
    ]


def check(exercise: Exercise, key: str, team: str | None = None) -> ExpectationCheck:
    return ExpectationCheck.objects.get(exercise=exercise, expectation__key=key, team__key=team)


def status(exercise: Exercise, key: str) -> str:
    return ExerciseInject.objects.get(exercise=exercise, key=key).status


def assert_replay_agrees(exercise: Exercise) -> None:
    """Convention 6: the decisions recomputed from (scenario, log) are the logged ones."""
    exercise.refresh_from_db()
    log = staff_events(exercise)
    now = clock.exercise_time(exercise)
    assert decisions.recompute(scenario_spec(exercise.scenario), log, now) == decisions.logged(log)


def test_each_is_met_by_every_team_that_acts_in_time(start):
    run = start(inject("I1", CALL))
    release = run.release_first()
    arc = run.call("ARC", "BOR")
    bor = run.call("BOR", "CAL")
    assert decided(run.exercise) == [("met", "E1", "ARC"), ("met", "E1", "BOR")]
    assert [check(run.exercise, "E1", key).decided_by for key in ("ARC", "BOR")] == [arc.seq, bor.seq]
    assert check(run.exercise, "E1", "ARC").deadline == release.exercise_time + 900
    assert_replay_agrees(run.exercise)


def test_each_is_met_by_one_team_and_missed_by_the_other_in_real_time(start):
    run = start(inject("I1", expectation("E1", "hotline.requested", within="30s")))
    release = run.release_first()
    run.call("ARC", "BOR")
    assert run.tick() == []  # BOR still has time
    assert decided(run.exercise) == [("met", "E1", "ARC")]
    time.sleep(0.6)  # 36 exercise seconds at speed 60: past the 30 s deadline
    run.tick()
    assert decided(run.exercise) == [("met", "E1", "ARC"), ("missed", "E1", "BOR")]
    missed = Event.objects.get(exercise=run.exercise, kind="expectation.missed")
    assert missed.data["deadline"] == release.exercise_time + 30
    assert missed.exercise_time > missed.data["deadline"]
    assert check(run.exercise, "E1", "BOR").status == ExpectationCheck.Status.MISSED
    assert_replay_agrees(run.exercise)


def test_any_is_met_once_by_the_first_team_and_credited_to_it(start):
    run = start(inject("I1", STATEMENT))
    run.release_first()
    statement = run.act("BOR", "public_statement")
    run.act("ARC", "public_statement")  # too late: the group's check is decided
    [met] = Event.objects.filter(exercise=run.exercise, kind__startswith="expectation.")
    assert met.kind == "expectation.met"
    assert met.data | {"team": None, "met_by": "BOR", "decided_by": statement.seq, "points": 5} == met.data
    assert met.data["teams"] == ["ARC", "BOR"]
    board = scores(caller=run.facilitator.caller, exercise=run.exercise)
    assert {row["key"]: row["total"] for row in board["teams"]} == {"ARC": 0, "BOR": 5, "CAL": 0}
    assert_replay_agrees(run.exercise)


def test_any_is_missed_once_for_the_group_when_no_team_acts(start):
    run = start(inject("I1", STATEMENT))
    run.release_first()
    advance(run.exercise, 601)
    run.tick()
    [missed] = Event.objects.filter(exercise=run.exercise, kind__startswith="expectation.")
    assert missed.kind == "expectation.missed"
    assert (missed.data["team"], missed.data["met_by"], missed.data["teams"]) == (None, None, ["ARC", "BOR"])
    assert (missed.data["points"], missed.data["decided_by"]) == (0, None)
    assert_replay_agrees(run.exercise)


@pytest.mark.parametrize(
    "move",
    [
        pytest.param(lambda run: run.act("ARC", "raise_alert"), id="action-of-another-kind-than-where-asks"),
        pytest.param(lambda run: run.act("CAL", "public_statement"), id="any-by-a-team-not-concerned"),
        pytest.param(lambda run: run.call("CAL", "ARC"), id="each-by-a-team-not-concerned"),
        pytest.param(
            lambda run: reports.submit(
                caller=run.teams["ARC"].caller, exercise_id=run.exercise.pk, inject="I1", text="S"
            ),
            id="another-event-kind",
        ),
    ],
)
def test_events_that_do_not_match_decide_nothing(start, move):
    run = start(inject("I1", CALL, STATEMENT))
    run.release_first()
    move(run)
    assert decided(run.exercise) == []
    assert set(ExpectationCheck.objects.filter(exercise=run.exercise).values_list("status", flat=True)) == {"open"}


def test_where_is_met_by_the_matching_event_only(start):
    run = start(inject("I1", STATEMENT))
    run.release_first()
    run.act("ARC", "raise_alert")
    statement = run.act("ARC", "public_statement")
    assert decided(run.exercise) == [("met", "E2", "ARC")]
    assert check(run.exercise, "E2").decided_by == statement.seq


@pytest.mark.parametrize(("late_by", "met"), [(0.0, True), (0.5, False)], ids=["at-the-deadline", "after-it"])
def test_an_event_at_the_deadline_meets_and_one_after_it_does_not(start, late_by, met):
    run = start(inject("I1", CALL))
    run.release_first()
    deadline = check(run.exercise, "E1", "ARC").deadline
    stand_at(run.exercise, deadline + late_by)
    run.tick()  # at the deadline nothing is overdue yet; after it, the tick decides
    call = run.call("ARC", "BOR")
    assert Event.objects.get(exercise=run.exercise, seq=call.seq).exercise_time == deadline + late_by
    run.tick()
    arc = check(run.exercise, "E1", "ARC")
    assert (arc.status, arc.decided_by) == (("met", call.seq) if met else ("missed", None))
    assert check(run.exercise, "E1", "BOR").status == ("open" if met else "missed")
    assert_replay_agrees(run.exercise)


def test_events_before_the_release_do_not_count(start):
    run = start(inject("I1", CALL))
    run.call("ARC", "CAL")
    run.call("BOR", "ARC")
    release = run.release_first()
    assert check(run.exercise, "E1", "ARC").opens_at == release.exercise_time
    assert decided(run.exercise) == []
    advance(run.exercise, 901)
    run.tick()
    assert decided(run.exercise) == [("missed", "E1", "ARC"), ("missed", "E1", "BOR")]
    assert_replay_agrees(run.exercise)


CONTINGENCIES = (
    inject("I1", CALL),
    inject("I2", to="all", trigger={"met": "E1", "delay": "2m"}),
    inject("I3", to="all", trigger={"missed": "E1"}),
)


def test_a_met_trigger_waits_for_every_team_concerned(start):
    run = start(*CONTINGENCIES)
    run.release_first()
    run.call("ARC", "BOR")
    assert ExerciseInject.objects.get(exercise=run.exercise, key="I2").due_at is None
    run.call("BOR", "CAL")
    met = Event.objects.filter(exercise=run.exercise, kind="expectation.met").order_by("seq").last()
    assert ExerciseInject.objects.get(exercise=run.exercise, key="I2").due_at == met.exercise_time + 120
    advance(run.exercise, 100)
    assert run.tick() == []
    advance(run.exercise, 30)
    assert run.tick() == ["I2"]
    advance(run.exercise, 900)
    assert run.tick() == []
    assert status(run.exercise, "I3") == "pending"


def test_a_missed_trigger_fires_when_one_team_misses(start):
    run = start(*CONTINGENCIES)
    run.release_first()
    run.call("ARC", "BOR")
    advance(run.exercise, 901)
    # The miss and the contingency it triggers (no delay) go out in the same tick.
    assert run.tick() == ["I3"]
    assert decided(run.exercise) == [("met", "E1", "ARC"), ("missed", "E1", "BOR")]
    advance(run.exercise, 600)
    assert run.tick() == []
    assert status(run.exercise, "I2") == "pending"


def test_pausing_stretches_deadlines(start):
    run = start(inject("I1", expectation("E1", "hotline.requested", within="60s")))
    release = run.release_first()
    advance(run.exercise, 40)
    run.change("pause")
    time.sleep(0.4)  # 24 exercise seconds at speed 60, which must not count
    assert run.tick() == []
    run.change("resume")
    run.tick()
    run.call("ARC", "BOR")
    assert decided(run.exercise) == [("met", "E1", "ARC")]
    advance(run.exercise, 25)
    run.tick()
    missed = Event.objects.get(exercise=run.exercise, kind="expectation.missed")
    assert (missed.data["team"], missed.data["deadline"]) == ("BOR", release.exercise_time + 60)
    assert_replay_agrees(run.exercise)


def test_ending_the_exercise_decides_every_open_check_as_missed(start):
    run = start(*CONTINGENCIES, inject("I4", STATEMENT, at="6m"))
    run.release_first()
    advance(run.exercise, 60)
    assert run.tick() == ["I4"]
    run.call("ARC", "BOR")
    run.change("end")
    ended = Event.objects.get(exercise=run.exercise, kind="exercise.ended")
    # Earliest deadline first: E2 (released at 6m, 10m to go) before E1 (5m, 15m to go).
    assert decided(run.exercise) == [("met", "E1", "ARC"), ("missed", "E2", None), ("missed", "E1", "BOR")]
    misses = Event.objects.filter(exercise=run.exercise, kind="expectation.missed")
    assert all(e.seq > ended.seq and e.data["decided_by"] is None for e in misses)
    assert not ExpectationCheck.objects.filter(exercise=run.exercise, status="open").exists()
    assert run.tick() == []  # an ended exercise releases no contingency
    assert status(run.exercise, "I3") == "pending"
    assert_replay_agrees(run.exercise)


def test_decisions_are_staff_only_events_naming_what_decided_them(start):
    run = start(inject("I1", CALL))
    run.release_first()
    call = run.call("ARC", "BOR")
    run.change("end")
    met, missed = Event.objects.filter(exercise=run.exercise, kind__startswith="expectation.").order_by("seq")
    fields = ("expectation", "inject", "team", "points", "decided_by")
    assert [e.kind for e in (met, missed)] == ["expectation.met", "expectation.missed"]
    assert [tuple(e.data[f] for f in fields) for e in (met, missed)] == [
        ("E1", "I1", "ARC", 10, call.seq),
        ("E1", "I1", "BOR", 0, None),
    ]
    assert met.data["objective"] == "O1"
    assert {e.audience for e in (met, missed)} == {Event.Audience.STAFF}
    assert not met.recipients.exists() and not missed.recipients.exists()
    for team in run.exercise.teams.all():
        seen = {e["kind"] for e in visible_after(run.exercise, team, 0)}
        assert not seen & {"expectation.met", "expectation.missed"}, team.key


RECOMPUTED = (
    inject("I1", CALL, STATEMENT),
    inject(
        "I2",
        expectation("E3", "report.submitted", teams="all", within="10m", points=3),
        to="all",
        trigger={"met": "E1", "delay": "2m"},
    ),
    inject(
        "I3",
        expectation("E4", "jointop.proposed", mode="any", teams=["CAL"], where={"kind": "humanitarian_relief"}),
        to=["CAL"],
        trigger={"missed": "E3"},
    ),
    inject("I4", to="all", trigger={"missed": "E2"}),
    inject("I5", expectation("E5", "hotline.accepted", teams="all", within="5m"), to="all", at="40m"),
)


def test_recomputing_from_the_log_gives_the_live_decisions(start):
    run = start(*RECOMPUTED)
    exercise = run.exercise
    early = run.call("ARC", "CAL")  # before I1: counts for nothing
    run.release_first()
    run.act("ARC", "raise_alert")
    run.act("CAL", "public_statement")
    asked = run.call("ARC", "BOR")
    advance(exercise, 60)
    run.call("BOR", "CAL")
    run.act("BOR", "public_statement")
    advance(exercise, 125)
    assert run.tick() == ["I2"]
    for team in ("ARC", "BOR"):
        reports.submit(caller=run.teams[team].caller, exercise_id=exercise.pk, inject="I2", text=f"{team} sitrep")
    advance(exercise, 605)
    assert run.tick() == ["I3"]
    for kind in ("joint_patrol", "humanitarian_relief"):
        jointops.propose(
            caller=run.teams["CAL"].caller, exercise_id=exercise.pk, kind=kind, partners=["BOR"], objective="Aid"
        )
    advance(exercise, 2401 - clock.exercise_time(exercise))
    assert run.tick() == ["I5"]
    assert_replay_agrees(exercise)  # mid-run, with E5 still open
    hotlines.answer_call(caller=run.teams["BOR"].caller, hotline_id=asked.obj.pk, accept=True)
    hotlines.answer_call(caller=run.teams["CAL"].caller, hotline_id=early.obj.pk, accept=True)
    run.change("end")
    assert decided(exercise) == [
        ("met", "E1", "ARC"),
        ("met", "E1", "BOR"),
        ("met", "E2", "BOR"),
        ("met", "E3", "ARC"),
        ("met", "E3", "BOR"),
        ("missed", "E3", "CAL"),
        ("met", "E4", "CAL"),
        ("met", "E5", "BOR"),
        ("met", "E5", "CAL"),
        ("missed", "E5", "ARC"),
    ]
    assert status(exercise, "I4") == "pending"
    assert_replay_agrees(exercise)


def test_recompute_agrees_when_a_team_acts_between_a_deadline_and_the_next_tick(start):
    run = start(inject("I1", expectation("E1", "hotline.requested", within="1m"), expectation("E2", "action.taken")))
    run.release_first()
    advance(run.exercise, 90)  # E1's deadline passes; the tick that decides it has not run yet
    run.act("ARC", "raise_alert")
    run.tick()
    assert_replay_agrees(run.exercise)


def test_an_adopted_statement_meets_an_expectation_of_its_signatories(start):
    run = start(inject("I1", expectation("E1", "statement.adopted")))
    run.release_first()
    arc, bor = run.teams["ARC"].caller, run.teams["BOR"].caller
    dialogue = dialogues.convene(caller=arc, exercise_id=run.exercise.pk, title="Talks", invite=["BOR"]).obj
    statement = dialogues.propose(caller=arc, dialogue_id=dialogue.pk, text="We will de-escalate.").obj
    dialogues.endorse(caller=bor, statement_id=statement.pk)
    assert Event.objects.filter(exercise=run.exercise, kind="statement.adopted").exists()
    assert decided(run.exercise) == [("met", "E1", "ARC"), ("met", "E1", "BOR")]


def test_an_amended_statement_meets_it_only_once_adopted_by_all_again(start):
    """The amendment is the amender's act, not an adoption: the expectation on the adoption
    waits until every participant has endorsed the amended text."""
    run = start(inject("I1", expectation("E1", "statement.adopted"), expectation("E2", "statement.amended")))
    run.release_first()
    arc, bor = run.teams["ARC"].caller, run.teams["BOR"].caller
    dialogue = dialogues.convene(caller=arc, exercise_id=run.exercise.pk, title="Talks", invite=["BOR"]).obj
    statement = dialogues.propose(caller=arc, dialogue_id=dialogue.pk, text="We will de-escalate.").obj
    dialogues.amend(caller=bor, statement_id=statement.pk, text="Both of us will de-escalate.")
    assert decided(run.exercise) == [("met", "E2", "BOR")]
    dialogues.endorse(caller=arc, statement_id=statement.pk, reservation="Subject to our parliament.")
    assert decided(run.exercise) == [("met", "E2", "BOR"), ("met", "E1", "ARC"), ("met", "E1", "BOR")]
    assert_replay_agrees(run.exercise)
