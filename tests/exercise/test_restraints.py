"""Restraint expectations (`none:`): missed at the first forbidden act by a team they
concern, met when the window passes without one (or the exercise ends first); per team
for `each`, once for the group for `any`; their triggers fire as any expectation's, and
replaying the log decides exactly as the live engine did."""

import time
from typing import Any

import pytest

from exercise import exercises, hotlines
from exercise.catalogue import sentence
from exercise.models import Event, ExerciseInject
from exercise.review import report
from exercise.selectors import inject_plan, scores
from tests import builders
from tests.exercise.test_expectations import (
    Run,
    assert_replay_agrees,
    check,
    decided,
    expectation,
    inject,
    stand_at,
)
from tests.exercise.test_injects import advance

pytestmark = pytest.mark.django_db

DEPLOY = {"kind": "deploy_forces"}


def restraint(
    key: str,
    kind: str = "action.taken",
    *,
    mode: str = "each",
    teams: Any = ("ARC", "BOR"),
    within: str = "30m",
    where: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Each (or any) of ``teams`` must not do ``kind`` (by default: deploy forces)."""
    return {
        "key": key,
        mode: list(teams),
        "none": kind,
        "where": DEPLOY if where is None and kind == "action.taken" else where or {},
        "within": within,
        "points": 5,
        **extra,
    }


@pytest.fixture
def start(facilitator):
    def begin(*items: dict, speed: float = 60, **document: Any) -> Run:
        scenario = builders.scenario(facilitator.caller, injects=list(items), **document)
        exercise = builders.exercise(facilitator.caller, scenario, speed=speed)
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        teams = {t.key: builders.player(t, f"Officer of {t.key}") for t in exercise.teams.all()}
        return Run(exercise, facilitator, teams)

    return begin


def decision(run: Run, kind: str, key: str = "R1", team: str | None = None) -> Event:
    [event] = [
        e
        for e in Event.objects.filter(exercise=run.exercise, kind=kind, data__expectation=key)
        if team is None or e.data["team"] == team
    ]
    return event


def board_rows(run: Run) -> dict[str, dict[str, Any]]:
    board = scores(caller=run.facilitator.caller, exercise=run.exercise)
    return {row["key"]: row for row in board["teams"]}


def test_each_is_missed_at_the_first_forbidden_act_and_met_by_the_others_at_the_deadline(start):
    run = start(inject("I1", restraint("R1")))
    release = run.release_first()
    run.act("ARC", "raise_alert")  # an action, but not the one forbidden
    run.act("CAL", "deploy_forces")  # the act, by a team the restraint does not concern
    assert decided(run.exercise) == []
    broke = run.act("ARC", "deploy_forces")
    assert decided(run.exercise) == [("missed", "R1", "ARC")]
    run.act("ARC", "deploy_forces")  # already decided: nothing more
    advance(run.exercise, 1801)
    assert run.tick() == []
    assert decided(run.exercise) == [("missed", "R1", "ARC"), ("met", "R1", "BOR")]

    missed = decision(run, "expectation.missed", team="ARC")
    assert missed.data | {"decided_by": broke.seq, "broken_by": "ARC", "met_by": None, "points": 0} == missed.data
    assert missed.data["restraint"] is True
    met = decision(run, "expectation.met", team="BOR")
    assert (met.data["decided_by"], met.data["broken_by"], met.data["points"]) == (None, None, 5)
    assert met.data["deadline"] == release.exercise_time + 1800 < met.exercise_time
    assert (check(run.exercise, "R1", "ARC").acted_by, check(run.exercise, "R1", "BOR").acted_by) == ("ARC", "")

    rows = board_rows(run)
    assert {key: row["total"] for key, row in rows.items()} == {"ARC": 0, "BOR": 5, "CAL": 0}
    [arc], [bor] = rows["ARC"]["expectations"], rows["BOR"]["expectations"]
    assert arc["explanation"] == f"deploy forces by ARC (event {broke.seq}), within 30m of inject I1"
    assert bor["explanation"] == "no deploy forces by BOR within 30m of inject I1"
    assert arc["restraint"] and bor["restraint"]
    assert_replay_agrees(run.exercise)


def test_any_is_missed_once_for_the_group_at_the_first_act_of_any_of_its_teams(start):
    run = start(inject("I1", restraint("R1", mode="any")))
    run.release_first()
    broke = run.act("BOR", "deploy_forces")
    run.act("ARC", "deploy_forces")  # the group's check is decided
    advance(run.exercise, 1801)
    run.tick()
    [missed] = Event.objects.filter(exercise=run.exercise, kind__startswith="expectation.")
    assert missed.kind == "expectation.missed"
    assert (missed.data["team"], missed.data["teams"], missed.data["broken_by"]) == (None, ["ARC", "BOR"], "BOR")
    assert missed.data["decided_by"] == broke.seq
    rows = board_rows(run)
    # The group missed it: listed for each of its teams, naming the team that broke it.
    for key in ("ARC", "BOR"):
        [entry] = rows[key]["expectations"]
        assert (entry["status"], entry["points"]) == ("missed", 0)
        assert entry["explanation"] == f"deploy forces by BOR (event {broke.seq}), within 30m of inject I1"
    assert rows["CAL"]["expectations"] == []
    assert_replay_agrees(run.exercise)


def test_any_kept_by_the_whole_group_is_met_once_and_credited_to_each_of_its_teams(start):
    run = start(inject("I1", restraint("R1", mode="any", within="10m")))
    run.release_first()
    run.act("ARC", "withdraw_forces")
    advance(run.exercise, 601)
    run.tick()
    assert decided(run.exercise) == [("met", "R1", None)]
    rows = board_rows(run)
    assert {key: row["total"] for key, row in rows.items()} == {"ARC": 5, "BOR": 5, "CAL": 0}
    assert rows["ARC"]["expectations"][0]["explanation"] == "no deploy forces by ARC or BOR within 10m of inject I1"
    assert_replay_agrees(run.exercise)


@pytest.mark.parametrize(("late_by", "broken"), [(0.0, True), (0.5, False)], ids=["at-the-deadline", "after-it"])
def test_an_act_at_the_deadline_breaks_it_and_one_after_it_does_not(start, late_by, broken):
    run = start(inject("I1", restraint("R1", teams=["ARC"])))
    run.release_first()
    deadline = check(run.exercise, "R1", "ARC").deadline
    stand_at(run.exercise, deadline + late_by)
    run.tick()  # at the deadline nothing is decided yet; after it, the tick meets it
    act = run.act("ARC", "deploy_forces")
    run.tick()
    arc = check(run.exercise, "R1", "ARC")
    assert (arc.status, arc.decided_by) == (("missed", act.seq) if broken else ("met", None))
    assert_replay_agrees(run.exercise)


def test_at_speed_120_it_is_decided_in_real_time(start):
    run = start(inject("I1", restraint("R1", within="1m")), speed=120)
    run.release_first()
    run.act("BOR", "deploy_forces")
    assert run.tick() == []
    assert decided(run.exercise) == [("missed", "R1", "BOR")]
    time.sleep(0.6)  # 72 exercise seconds at speed 120: past the one-minute window
    run.tick()
    assert decided(run.exercise) == [("missed", "R1", "BOR"), ("met", "R1", "ARC")]
    assert_replay_agrees(run.exercise)


def test_a_pause_in_the_window_moves_its_deadline(start):
    run = start(inject("I1", restraint("R1", within="1m")), speed=120)
    release = run.release_first()
    advance(run.exercise, 30)
    run.change("pause")
    time.sleep(0.6)  # past the window's end in wall time, had the clock not stopped
    run.tick()
    run.change("resume")
    run.tick()
    assert decided(run.exercise) == []  # the window still has about half a minute to run
    broke = run.act("BOR", "deploy_forces")
    assert decided(run.exercise) == [("missed", "R1", "BOR")]
    advance(run.exercise, 31)
    run.tick()
    assert decided(run.exercise) == [("missed", "R1", "BOR"), ("met", "R1", "ARC")]
    met = decision(run, "expectation.met")
    assert met.data["deadline"] == release.exercise_time + 60
    paused = Event.objects.get(exercise=run.exercise, kind="exercise.paused")
    resumed = Event.objects.get(exercise=run.exercise, kind="exercise.resumed")
    # In wall time the deadline moved by the pause: the act came after the window's
    # unpaused end and still broke it; the deadline met ARC only after that.
    assert (broke_at := Event.objects.get(exercise=run.exercise, seq=broke.seq).at) > resumed.at
    assert (resumed.at - paused.at).total_seconds() >= 0.6
    assert met.at > broke_at
    assert_replay_agrees(run.exercise)


def test_ending_the_exercise_meets_every_open_restraint(start):
    run = start(inject("I1", restraint("R1"), expectation("E1", "hotline.requested")))
    run.release_first()
    run.call("ARC", "BOR")
    run.change("end")
    ended = Event.objects.get(exercise=run.exercise, kind="exercise.ended")
    assert sorted(decided(run.exercise)) == [
        ("met", "E1", "ARC"),
        ("met", "R1", "ARC"),
        ("met", "R1", "BOR"),
        ("missed", "E1", "BOR"),
    ]
    met = decision(run, "expectation.met", team="BOR")
    assert met.seq > ended.seq and met.data["decided_by"] is None
    [entry] = [e for e in board_rows(run)["BOR"]["expectations"] if e["expectation"] == "R1"]
    assert entry["explanation"] == "no deploy forces by BOR within 30m of inject I1 (the exercise ended first)"
    assert_replay_agrees(run.exercise)


TRIGGERED = (
    inject("I1", restraint("R1")),
    inject("I2", to="all", trigger={"met": "R1", "delay": "1m"}),
    inject("I3", to="all", trigger={"missed": "R1"}),
)
MEDIA = [
    {"key": "M1", "trigger": {"met": "R1"}, "persona": "WIRE", "headline": "Calm at the pass", "body": ""},
    {"key": "M2", "trigger": {"missed": "R1"}, "persona": "WIRE", "headline": "Troops move", "body": ""},
]


def published(run: Run) -> list[str]:
    return [e.data["key"] for e in Event.objects.filter(exercise=run.exercise, kind="media.published")]


def test_a_missed_trigger_fires_at_the_first_forbidden_act(start):
    run = start(*TRIGGERED, personas=builders.PERSONAS, media=MEDIA)
    run.release_first()
    run.act("ARC", "deploy_forces")
    assert run.tick() == ["I3", "M2"]  # the tick releases the inject and the media item
    assert published(run) == ["M2"]
    advance(run.exercise, 1801)
    run.tick()  # BOR keeps it, but ARC missed it: {met: R1} never fires
    assert ExerciseInject.objects.get(exercise=run.exercise, key="I2").status == "pending"
    assert published(run) == ["M2"]


def test_a_met_trigger_fires_when_every_team_kept_it(start):
    run = start(*TRIGGERED, personas=builders.PERSONAS, media=MEDIA)
    run.release_first()
    advance(run.exercise, 1801)
    assert run.tick() == ["M1"]  # I2 waits its minute; M1 goes out at once
    assert published(run) == ["M1"]
    met = decision(run, "expectation.met", team="BOR")
    assert ExerciseInject.objects.get(exercise=run.exercise, key="I2").due_at == met.exercise_time + 60
    advance(run.exercise, 61)
    assert run.tick() == ["I2"]
    assert ExerciseInject.objects.get(exercise=run.exercise, key="I3").status == "pending"
    assert_replay_agrees(run.exercise)


def test_a_hotline_message_breaks_a_restraint_on_messages(start):
    run = start(inject("I1", restraint("R1", "hotline.message", teams=["BOR"])))
    call = run.call("ARC", "BOR").obj
    hotlines.answer_call(caller=run.teams["BOR"].caller, hotline_id=call.pk, accept=True)
    run.release_first()
    hotlines.send_message(caller=run.teams["ARC"].caller, hotline_id=call.pk, text="Talk to us.")
    assert decided(run.exercise) == []
    sent = hotlines.send_message(caller=run.teams["BOR"].caller, hotline_id=call.pk, text="We will not talk.")
    assert decided(run.exercise) == [("missed", "R1", "BOR")]
    assert decision(run, "expectation.missed").data["decided_by"] == sent.seq
    assert_replay_agrees(run.exercise)


def test_the_plan_and_the_decisions_read_as_restraints(start):
    run = start(inject("I1", restraint("R1")))
    plan = {item["key"]: item for item in inject_plan(run.exercise)}
    assert plan["I1"]["expectations"] == ["R1: each of ARC, BOR, no deploy forces within 30m · 5 pts"]
    run.release_first()
    broke = run.act("ARC", "deploy_forces")
    advance(run.exercise, 1801)
    run.tick()
    missed, met = (decision(run, kind) for kind in ("expectation.missed", "expectation.met"))
    envelope = {"kind": missed.kind, "actor": missed.actor, "data": missed.data}
    assert sentence(envelope) == f"Restraint R1 missed for ARC, broken by ARC (event {broke.seq}): 0 points"
    envelope = {"kind": met.kind, "actor": met.actor, "data": met.data}
    assert sentence(envelope) == "Restraint R1 met for BOR, nothing it forbids done in the window: 5 points"


def test_a_debrief_does_not_tell_a_team_what_another_did_out_of_its_sight(start):
    # ARC and BOR must not use the hotline, as a group; BOR breaks it on its line to CAL,
    # which ARC never sees: ARC's debrief says the group missed it, not how.
    run = start(inject("I1", restraint("R1", "hotline.message", mode="any")))
    call = run.call("BOR", "CAL").obj
    hotlines.answer_call(caller=run.teams["CAL"].caller, hotline_id=call.pk, accept=True)
    run.release_first()
    sent = hotlines.send_message(caller=run.teams["BOR"].caller, hotline_id=call.pk, text="Quietly, to Caldera.")
    run.change("end")
    run.exercise.refresh_from_db()
    told = {
        key: report.debrief(caller=run.teams[key].caller, exercise=run.exercise)["expectations"]
        for key in ("ARC", "BOR")
    }
    assert [(d["status"], d["explanation"]) for d in told["ARC"]] == [("missed", "broken by another team of the group")]
    assert [(d["status"], d["explanation"]) for d in told["BOR"]] == [
        ("missed", f"hotline message by BOR (event {sent.seq}), within 30m of inject I1")
    ]
