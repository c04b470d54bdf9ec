"""Every shipped scenario carries what divergent interests need (issue 14): a read-ahead,
a national brief for every team, a restraint, an expectation serving a national objective,
a confidence-building measure rewarded, and a conflict between two teams' objectives that
the file names."""

import re
from pathlib import Path
from typing import Any

import pytest

from exercise.document_text import parse_text
from exercise.scenario_briefs import national_owners
from exercise.scenario_document import validate_document
from exercise.steps import ACTION_STEPS, CONFIDENCE_MEASURES

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "exercise" / "demo" / "scenarios"
SHIPPED = sorted(SCENARIO_DIR.glob("*.yaml"))
# The two-hour demos, whose briefs were written so that every team has points of its own.
DEMOS = ["coral-shoal", "harbour-blast", "karst-pass"]
# "- ARC-1 (...) against BOR-1 ..." in a comment, which may run over several lines.
CONFLICT = re.compile(r"- ([A-Za-z0-9_.-]+)\b((?:(?!\n- ).)*?)\bagainst ([A-Za-z0-9_.-]+)", re.DOTALL)


def spec_of(path: Path) -> dict[str, Any]:
    return validate_document(parse_text(path.read_bytes(), yaml_syntax=True))


def expectations(spec: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    return [(inject, e) for inject in spec["injects"] for e in inject["expect"]]


def test_the_demo_scenarios_are_among_those_checked():
    assert set(DEMOS) <= {path.stem for path in SHIPPED}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_team_has_a_national_brief_of_its_own(path):
    spec = spec_of(path)
    assert len(spec["read_ahead"]) > len(spec["summary"]) and spec["read_ahead"].startswith("## ")
    summaries = set()
    for team in spec["teams"]:
        brief = team["brief"]
        assert brief is not None, team["key"]
        assert brief["summary"] and brief["interests"] and brief["red_lines"] and brief["objectives"], team["key"]
        summaries.add(brief["summary"])
    assert len(summaries) == len(spec["teams"])  # each government sees it its own way


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_restraint_forbids_an_act_a_team_can_take_and_can_be_kept_before_the_end(path):
    spec = spec_of(path)
    restraints = [(inject, e) for inject, e in expectations(spec) if e["restraint"]]
    assert restraints
    climbing = set(ACTION_STEPS) - set(CONFIDENCE_MEASURES)
    for inject, restraint in restraints:
        assert restraint["event"] == "action.taken" and restraint["where"]["kind"] in climbing, restraint["key"]
        assert restraint["points"] > 0 and restraint["objective"], restraint["key"]
        # A window that outlasts the exercise could never be kept.
        if inject["at"] is not None:
            assert inject["at"] + restraint["within"] <= spec["duration"], restraint["key"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_national_objectives_are_served_and_a_confidence_building_measure_rewarded(path):
    spec = spec_of(path)
    owners = national_owners(spec["teams"])
    served = [e for _, e in expectations(spec) if e["objective"] in owners]
    assert served
    for expectation in served:
        assert expectation["teams"] == [owners[expectation["objective"]]], expectation["key"]
        assert expectation["points"] > 0, expectation["key"]
    if path.stem in DEMOS:
        # Every team can earn something for its own nation, not only for the region.
        assert {owners[e["objective"]] for e in served} == {team["key"] for team in spec["teams"]}
    assert any(
        not e["restraint"] and e["event"] == "action.taken" and e["where"].get("kind") in CONFIDENCE_MEASURES
        for _, e in expectations(spec)
    )


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_file_names_a_conflict_between_two_teams_national_objectives(path):
    owners = national_owners(spec_of(path)["teams"])
    comments = "\n".join(
        line.strip()[1:].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("#")
    )
    named = [(first, second) for first, _, second in CONFLICT.findall(comments)]
    conflicting = [(a, b) for a, b in named if a in owners and b in owners and owners[a] != owners[b]]
    assert conflicting, named
