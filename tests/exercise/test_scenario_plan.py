"""A scenario's plan, read from the normal form: the timeline's rows with their times or
triggers, each team's preview, and what waits on what; on every shipped scenario and on
hand-made documents for each kind of trigger."""

from pathlib import Path

import pytest

from exercise.demo import SCENARIO_DIR
from exercise.document_text import parse_text
from exercise.scenario_document import validate_document
from exercise.scenario_plan import BRIEF, INJECT, MAP, MEDIA, READ_AHEAD, plan
from tests.builders import PERSONAS, briefed_teams, document

SHIPPED = sorted(SCENARIO_DIR.glob("*.yaml"))


def spec_of(path: Path) -> dict:
    return validate_document(parse_text(path.read_bytes(), yaml_syntax=True))


def inject(key: str, to="all", *, expect=(), **schedule) -> dict:
    return {
        "key": key,
        **schedule,
        "title": f"Inject {key}",
        "kind": "other",
        "severity": "medium",
        "to": to,
        "body": "",
        **({"expect": list(expect)} if expect else {}),
    }


def expectation(key: str, teams=("ARC",), *, mode="each", restraint=False, within="10m") -> dict:
    return {
        "key": key,
        mode: list(teams),
        "none" if restraint else "event": "hotline.requested" if not restraint else "action.taken",
        "within": within,
        "points": 1,
    }


def plan_of(**changes) -> object:
    return plan(validate_document(document(**changes)))


# The shipped scenarios -------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_every_item_of_a_shipped_scenario_is_on_the_timeline_in_time_order(path):
    spec = spec_of(path)
    found = plan(spec)

    assert found.duration == spec["duration"]
    assert found.problems == ()
    keys = [row.key for row in found.rows]
    assert sorted(keys) == sorted([i["key"] for i in spec["injects"]] + [m["key"] for m in spec["media"]])
    times = [row.earliest for row in found.rows]
    assert None not in times, "every shipped item can be released"
    assert times == sorted(times)
    for row in found.rows:
        assert row.earliest <= row.latest
        if row.trigger is None:
            assert row.earliest == row.latest == row.at
            assert not row.conditional
    assert found.end >= found.duration


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_a_team_of_a_shipped_scenario_receives_exactly_what_is_addressed_to_it(path):
    spec = spec_of(path)
    found = plan(spec)
    items = {i["key"]: i for i in [*spec["injects"], *spec["media"]]}

    assert [team.key for team in found.teams] == [t["key"] for t in spec["teams"]]
    for team in found.teams:
        received = [item.key for item in team.timed]
        addressed = {key for key, item in items.items() if item["to"] == "all" or team.key in item["to"]}
        assert set(received) == addressed
        assert len(received) == len(set(received))
        times = [item.earliest for item in team.timed]
        assert times == sorted(times)
        # Every shipped scenario gives each team the read-ahead and its brief before the start.
        assert [item.kind for item in team.items[:2]] == [READ_AHEAD, BRIEF]
        for item in team.timed:
            row = found.row(item.key)
            assert item.conditional == row.conditional
            assert all(team.key in window.teams for window in item.expected)


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_each_trigger_of_a_shipped_scenario_is_listed_on_its_source(path):
    spec = spec_of(path)
    found = plan(spec)
    owner = {e["key"]: i["key"] for i in spec["injects"] for e in i["expect"]}

    for item in [*spec["injects"], *spec["media"]]:
        row = found.row(item["key"])
        trigger = item["trigger"]
        if trigger is None:
            assert row.trigger is None
            continue
        source = trigger["ref"] if trigger["type"] == "after" else owner[trigger["ref"]]
        assert row.trigger.inject == source
        assert item["key"] in found.row(source).triggers
        assert row.conditional == (trigger["type"] != "after" or found.row(source).conditional)


def test_the_branches_of_karst_pass_are_conditional_on_their_expectations():
    found = plan(spec_of(SCENARIO_DIR / "karst-pass.yaml"))

    second = found.row("I2")  # trigger: {missed: E2, delay: 5m}; E2 of I1 (at 5m, `any`) within 15m
    assert second.conditional
    assert second.condition == "5m after expectation E2 of I1 is missed by the group"
    assert (second.earliest, second.latest) == (5 * 60 + 15 * 60 + 5 * 60,) * 2
    follow_up = found.row("I6")  # trigger: {after: I5, delay: 15m}, I5 at 40m: certain
    assert not follow_up.conditional
    assert (follow_up.earliest, follow_up.latest) == (55 * 60, 55 * 60)
    assert follow_up.condition == "15m after I5 is released"
    # I4 goes to Dravonia alone: no other team's preview holds it.
    assert [team.key for team in found.teams if "I4" in [i.key for i in team.timed]] == ["DRV"]


# Hand-made documents, one per kind of trigger ---------------------------------------------


def test_an_after_trigger_follows_its_inject_by_its_delay():
    found = plan_of(
        injects=[
            inject("I1", ["ARC"], at="10m"),
            inject("I2", ["BOR"], trigger={"after": "I1", "delay": "5m"}),
            inject("I3", "all", trigger={"after": "I2"}),
        ]
    )

    assert [row.key for row in found.rows] == ["I1", "I2", "I3"]
    assert found.row("I2").earliest == found.row("I2").latest == 15 * 60
    assert found.row("I3").earliest == 15 * 60
    assert not found.row("I3").conditional
    assert found.row("I3").condition == "when I2 is released"
    assert found.row("I1").triggers == ("I2",)
    assert found.row("I2").triggers == ("I3",)


def test_a_met_trigger_may_come_from_the_release_to_the_deadline_and_is_conditional():
    found = plan_of(
        injects=[
            inject("I1", ["ARC", "BOR"], at="10m", expect=[expectation("E1", ["ARC", "BOR"], within="20m")]),
            inject("I2", ["ARC"], trigger={"met": "E1", "delay": "5m"}),
        ]
    )

    met = found.row("I2")
    assert met.conditional
    assert (met.earliest, met.latest) == (15 * 60, 35 * 60)
    assert met.condition == "5m after expectation E1 of I1 is met by every team it concerns"
    assert met.trigger.short == "met E1 +5m"
    assert found.row("I1").triggers == ("I2",)
    window = found.row("I1").expectations[0]
    assert (window.opens, window.deadline) == (10 * 60, 30 * 60)


def test_a_missed_trigger_comes_at_the_deadline():
    found = plan_of(
        injects=[
            inject("I1", ["ARC"], at="10m", expect=[expectation("E1", ["ARC"], mode="any", within="15m")]),
            inject("I2", "all", trigger={"missed": "E1"}),
        ]
    )

    missed = found.row("I2")
    assert (missed.earliest, missed.latest) == (25 * 60, 25 * 60)
    assert missed.conditional
    assert missed.condition == "when expectation E1 of I1 is missed by the group"


def test_a_restraint_is_broken_in_its_window_and_kept_at_its_deadline():
    found = plan_of(
        injects=[
            inject("I1", ["ARC"], at="10m", expect=[expectation("R1", ["ARC"], restraint=True, within="30m")]),
            inject("I2", ["ARC"], trigger={"missed": "R1"}),
            inject("I3", ["ARC"], trigger={"met": "R1", "delay": "1m"}),
        ]
    )

    broken, kept = found.row("I2"), found.row("I3")
    assert (broken.earliest, broken.latest) == (10 * 60, 40 * 60)
    assert broken.condition == "when restraint R1 of I1 is broken"
    assert (kept.earliest, kept.latest) == (41 * 60, 41 * 60)
    assert kept.condition == "1m after restraint R1 of I1 is kept"
    assert found.row("I1").expectations[0].restraint


def test_an_after_trigger_on_a_conditional_inject_is_conditional_too():
    found = plan_of(
        injects=[
            inject("I1", ["ARC"], at="5m", expect=[expectation("E1", ["ARC"])]),
            inject("I2", ["ARC"], trigger={"met": "E1"}, expect=[expectation("E2", ["ARC"], within="5m")]),
            inject("I3", ["BOR"], trigger={"after": "I2", "delay": "10m"}),
        ]
    )

    chained = found.row("I3")
    assert chained.conditional
    assert (chained.earliest, chained.latest) == (15 * 60, 25 * 60)
    # An expectation of a triggered inject opens at its earliest release.
    window = found.row("I2").expectations[0]
    assert (window.opens, window.deadline) == (5 * 60, 10 * 60)
    assert found.team("BOR").timed[0].conditional
    assert found.team("BOR").timed[0].condition == "10m after I2 is released"


def test_media_items_go_on_the_timeline_with_their_outlet_and_triggers():
    found = plan_of(
        personas=PERSONAS,
        injects=[inject("I1", ["ARC", "BOR"], at="10m", expect=[expectation("E1", ["ARC"])])],
        media=[
            {"key": "M1", "at": "2m", "persona": "WIRE", "headline": "Calm at the pass", "body": ""},
            {"key": "M2", "trigger": {"missed": "E1"}, "persona": "WIRE", "headline": "Arcadia silent", "to": ["BOR"]},
        ],
    )

    assert [(row.kind, row.key) for row in found.rows] == [(MEDIA, "M1"), (INJECT, "I1"), (MEDIA, "M2")]
    assert found.row("M1").persona == "Regional News Wire"
    assert found.row("M1").to_all and found.row("M1").recipients == ("ARC", "BOR", "CAL")
    assert found.row("M2").conditional and found.row("M2").earliest == 20 * 60
    assert found.row("I1").triggers == ("M2",)
    assert [item.key for item in found.team("CAL").timed] == ["M1"]
    assert [item.key for item in found.team("BOR").timed] == ["M1", "I1", "M2"]
    assert found.team("BOR").timed[0].source == "Regional News Wire"


def test_a_team_never_sees_an_inject_not_addressed_to_it_and_sees_only_its_expectations():
    found = plan_of(
        injects=[
            inject("I1", ["ARC", "BOR"], at="5m", expect=[expectation("E1", ["ARC"]), expectation("E2", ["BOR"])]),
            inject("I2", ["CAL"], at="1m"),
            inject("I3", "all", at="30m", expect=[{**expectation("E3"), "each": "all"}]),
        ]
    )

    assert [item.key for item in found.team("ARC").timed] == ["I1", "I3"]
    assert [item.key for item in found.team("CAL").timed] == ["I2", "I3"]
    arc_i1 = found.team("ARC").timed[0]
    assert [w.key for w in arc_i1.expected] == ["E1"]
    # `each: all` concerns every team the inject goes to.
    assert found.row("I3").expectations[0].teams == ("ARC", "BOR", "CAL")
    assert [w.key for w in found.team("CAL").timed[1].expected] == ["E3"]


def test_briefs_the_read_ahead_and_the_map_come_before_the_start_to_the_right_teams():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>t</title></svg>'
    found = plan_of(teams=briefed_teams(), read_ahead="The road to the crisis.", map=svg)

    arcadia = found.team("ARC")
    assert [(item.kind, item.key) for item in arcadia.items[:3]] == [
        (READ_AHEAD, "read-ahead"),
        (BRIEF, "brief-ARC"),
        (MAP, "map"),
    ]
    assert all(item.before_start and item.earliest == 0 for item in arcadia.items[:3])
    # Caldera has no brief of its own, and never another team's.
    assert [item.kind for item in found.team("CAL").items if item.before_start] == [READ_AHEAD, MAP]


def test_an_item_after_the_planned_end_stretches_the_chart():
    found = plan_of(
        duration="30m", injects=[inject("I1", at="10m"), inject("I2", trigger={"after": "I1", "delay": "45m"})]
    )

    assert found.duration == 30 * 60
    assert found.end == 55 * 60


def test_a_draft_with_a_missing_reference_says_the_item_never_comes():
    spec = validate_document(document())
    spec["injects"][1]["trigger"] = {"type": "after", "ref": "I9", "delay": 0.0}

    found = plan(spec)

    never = found.row("I2")
    assert never.earliest is None and never.latest is None
    assert found.rows[-1].key == "I2"
    assert found.problems == ("I2 waits on I9, which is never released",)
