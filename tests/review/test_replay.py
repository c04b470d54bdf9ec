"""The replay shows the exercise as it stood at a moment: the same scores, rungs and trust
a run stopped at that moment showed live, and per team a subsequence of what happened."""

import re
from datetime import timedelta

import pytest

from exercise import clock, exercises, selectors
from exercise.models import Exercise
from exercise.review import report
from exercise.review.loading import seen_by
from tests import builders
from tests.review.conftest import staff_client
from tests.review.played import karst_pass, play

pytestmark = pytest.mark.django_db

TEAMS = ["DRV", "SRK", "ULM", "ESM"]


def standing(board: dict) -> dict:
    """What the replay must reproduce of a scoreboard: points, rungs, trust, stability."""
    return {
        "totals": {row["key"]: row["total"] for row in board["teams"]},
        "escalation": {row["key"]: row["escalation"] for row in board["teams"]},
        "trust": board["trust"],
        "stability": board["stability"],
    }


def capture(facilitator):
    def look(exercise: Exercise) -> dict:
        board = selectors.scores(caller=facilitator.caller, exercise=exercise)
        return {
            "moment": clock.exercise_time(exercise),
            "last_seq": exercise.last_seq,
            "standing": standing(board),
            "rungs": {t.key: t.escalation for t in exercise.teams.all()},
        }

    return look


# Moves after which the run is stopped (see tests/review/played.py for the script):
# 7 SRK has just raised its alert; 16 the joint statement was adopted; 23 the verification
# was adjudicated, after ratings, a note and several missed deadlines.
@pytest.mark.parametrize("stop_after", [7, 16, 23])
def test_replay_at_t_equals_the_run_stopped_at_t(facilitator, stop_after):
    run = play(facilitator, karst_pass(facilitator.caller), stop_after=stop_after, on_stop=capture(facilitator))
    exercise = run.fresh()
    assert exercise.status == Exercise.Status.ENDED
    then = run.captured
    assert exercise.last_seq > then["last_seq"]  # the run went on after the stop

    state = report.replay(caller=facilitator.caller, exercise=exercise, moment=then["moment"])
    replayed = {
        "totals": {t["key"]: t["total"] for t in state["teams"]},
        "escalation": {t["key"]: t["escalation"] for t in state["teams"]},
        "trust": state["trust"],
        "stability": state["stability"],
    }
    assert replayed == then["standing"]
    assert replayed["escalation"] == then["rungs"]  # the rungs stored on the teams agree
    # Everything logged up to the pause, and at most the resume at the same instant.
    assert state["last_seq"] in (then["last_seq"], then["last_seq"] + 1)

    # And it differs from the end where the run changed afterwards.
    final = standing(selectors.scores(caller=facilitator.caller, exercise=exercise))
    assert replayed != final

    # The page's replay shows the same points and rungs.
    html = (
        staff_client(facilitator)
        .get(f"/exercises/{exercise.pk}/review/replay", {"t": repr(then["moment"])})
        .content.decode()
    )
    for key in TEAMS:
        row = re.search(rf'<tr data-team="{key}">.*?<td data-points>(\d+)</td><td data-rung>(\d+)</td>', html)
        assert row, key
        assert (int(row.group(1)), int(row.group(2))) == (then["standing"]["totals"][key], then["rungs"][key])


def test_replay_at_the_start_and_past_the_end(karst_run):
    caller, exercise = karst_run.facilitator.caller, karst_run.fresh()
    start = report.replay(caller=caller, exercise=exercise, moment=0)
    assert start["last_seq"] == 1 and [e["kind"] for e in start["feed"]] == ["exercise.started"]
    assert {t["total"] for t in start["teams"]} == {0}
    assert all(v == 0 for row in start["trust"].values() for v in row.values())
    later = report.replay(caller=caller, exercise=exercise, moment=10**9)
    assert later["last_seq"] == exercise.last_seq
    assert standing(later) == standing(selectors.scores(caller=caller, exercise=exercise))


def test_what_a_team_knew_is_a_subsequence_of_what_happened(karst_run):
    caller, exercise = karst_run.facilitator.caller, karst_run.fresh()
    timeline = report.review(caller=caller, exercise=exercise)["timeline"]
    moments = [0, 900, 1800, 3001.7, 4600, 10**9]
    for moment in moments:
        happened = [row for row in timeline if row["exercise_time"] <= moment]
        for key in TEAMS:
            state = report.replay(caller=caller, exercise=exercise, moment=moment, team=key)
            knew = state["team"]
            assert knew["key"] == key
            assert knew["of"] == len(happened)
            visible = [row["seq"] for row in happened if seen_by(row, key)]
            assert knew["seen"] == len(visible)
            shown = [e["seq"] for e in reversed(knew["feed"])]  # the feed lists the latest first
            assert shown == visible[-len(shown) :] if shown else not visible
            assert is_subsequence(shown, [row["seq"] for row in happened])
            assert not [e for e in knew["feed"] if e["kind"].startswith(("expectation.", "rating.", "note."))]
            if len(happened) <= len(state["feed"]):  # both feeds whole: one inside the other
                assert is_subsequence(shown, [e["seq"] for e in reversed(state["feed"])])


def test_teams_knew_different_things(karst_run):
    caller, exercise = karst_run.facilitator.caller, karst_run.fresh()
    drv = report.replay(caller=caller, exercise=exercise, moment=2100, team="DRV")["team"]
    ulm = report.replay(caller=caller, exercise=exercise, moment=2100, team="ULM")["team"]
    assert drv["seen"] > ulm["seen"]  # DRV had the hotline and inject I4; ULM neither
    assert any(e["kind"] == "hotline.message" for e in drv["feed"])
    assert not any(e["kind"].startswith("hotline.") for e in ulm["feed"])


def test_an_unknown_team_is_ignored(karst_run):
    state = report.replay(caller=karst_run.facilitator.caller, exercise=karst_run.fresh(), moment=600, team="XXX")
    assert "team" not in state


def is_subsequence(part: list[int], whole: list[int]) -> bool:
    remaining = iter(whole)
    return all(item in remaining for item in part)


def ended_at(facilitator, seconds: float) -> Exercise:
    """An exercise of the small scenario ended at about ``seconds`` of exercise time."""
    exercise = builders.exercise(facilitator.caller, builders.scenario(facilitator.caller), speed=1.0)
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    Exercise.objects.filter(pk=exercise.pk).update(clock_anchor=clock.now() - timedelta(seconds=seconds))
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="end")
    return Exercise.objects.get(pk=exercise.pk)


@pytest.mark.parametrize("last_event_at", [100.2, 100.7])  # rounds down, rounds up
def test_the_slider_reaches_the_last_event(facilitator, last_event_at):
    exercise = ended_at(facilitator, last_event_at)
    client = staff_client(facilitator)
    page = client.get(f"/exercises/{exercise.pk}/review/").content.decode()
    slider = re.search(r'<input type="range"[^>]*\bmax="([0-9.]+)"', page)
    assert slider
    at_end = client.get(f"/exercises/{exercise.pk}/review/replay", {"t": slider.group(1)}).content.decode()
    assert f"after event {exercise.last_seq}." in at_end
    assert "exercise.ended" in at_end
