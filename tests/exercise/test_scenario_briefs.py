"""The document's divergent interests: the read-ahead, national briefs, national
objectives that expectations may serve, and restraint (`none:`) expectations."""

from typing import Any

import pytest

from exercise.scenario_document import export_document, validate_document
from exercise.scenarios import scenario_document
from tests import builders
from tests.exercise.test_scenario_document import assert_problem, problems_of


def briefed(**changes: Any) -> dict[str, Any]:
    return builders.document(
        teams=builders.briefed_teams(), read_ahead="## The road\n\nA decade of incidents.", **changes
    )


def with_expectation(**fields: Any) -> dict[str, Any]:
    doc = briefed()
    doc["injects"][0]["expect"].append({"key": "E2", "within": "30m", "points": 5, **fields})
    return doc


def test_briefs_and_the_read_ahead_survive_the_round_trip():
    doc = with_expectation(each=["ARC"], none="action.taken", where={"kind": "deploy_forces"}, objective="ARC-1")
    spec = validate_document(doc)
    assert spec["read_ahead"].startswith("## The road")
    assert spec["teams"][0]["brief"]["objectives"] == [
        {"key": "ARC-1", "text": "Obtain a joint investigation of the incident"}
    ]
    assert spec["teams"][2]["brief"] is None
    restraint = spec["injects"][0]["expect"][1]
    assert (restraint["event"], restraint["restraint"]) == ("action.taken", True)
    assert export_document(spec) == doc


@pytest.mark.django_db
def test_a_stored_scenario_exports_its_briefs_and_restraints_as_written():
    doc = with_expectation(each=["ARC"], none="action.taken", where={"kind": "deploy_forces"}, objective="ARC-1")
    facilitator = builders.staff("facilitator")
    scenario = builders.scenario(facilitator.caller, **{k: v for k, v in doc.items() if k != "key"})
    exported = scenario_document(caller=facilitator.caller, scenario_id=scenario.id)
    assert exported == {**doc, "key": scenario.key}


def test_a_national_objective_must_concern_its_team_alone():
    problems = problems_of(with_expectation(each=["ARC", "BOR"], event="hotline.requested", objective="ARC-1"))
    assert_problem(problems, "injects[0].expect[1].objective", "national objective of ARC", "ARC alone", "ARC, BOR")


def test_an_objective_key_is_shared_between_the_exercise_and_the_briefs():
    doc = briefed()
    doc["teams"][1]["brief"]["objectives"].append({"key": "O1", "text": "Same key as the exercise's"})
    assert_problem(problems_of(doc), "teams[1].brief.objectives[1].key", "'O1' is used twice")


def test_an_unknown_objective_lists_the_national_ones_too():
    problems = problems_of(with_expectation(each=["ARC"], event="hotline.requested", objective="ARC-9"))
    assert_problem(problems, "injects[0].expect[1].objective", "unknown objective 'ARC-9'", "ARC-1", "BOR-1", "O1")


@pytest.mark.parametrize(
    ("fields", "path", "fragment"),
    [
        ({"each": ["ARC"], "none": "action.launched"}, "injects[0].expect[1].none", "'action.launched' is not"),
        ({"each": ["ARC"], "none": ["action.taken"]}, "injects[0].expect[1].none", "is not an event kind"),
        ({"each": ["ARC"], "none": "action.taken", "event": "action.taken"}, "injects[0].expect[1]", "both"),
    ],
)
def test_a_bad_restraint_is_reported_at_its_path(fields, path, fragment):
    assert_problem(problems_of(with_expectation(**fields)), path, fragment)


@pytest.mark.parametrize(
    ("brief", "path", "fragment"),
    [
        ("Arcadia wants peace", "teams[0].brief", "mapping"),
        ({"summary": "x", "aims": []}, "teams[0].brief.aims", "unknown field"),
        ({"interests": "trade"}, "teams[0].brief.interests", "list"),
        ({"red_lines": [3]}, "teams[0].brief.red_lines[0]", "must be text"),
        ({"red_lines": ["x" * 501]}, "teams[0].brief.red_lines[0]", "limit is 500"),
        ({"objectives": [{"key": "ARC 1", "text": "x"}]}, "teams[0].brief.objectives[0].key", "not a valid"),
    ],
)
def test_a_bad_brief_is_reported_at_its_path(brief, path, fragment):
    doc = briefed()
    doc["teams"][0]["brief"] = brief
    assert_problem(problems_of(doc), path, fragment)


def test_the_confidence_building_measures_cannot_be_made_to_climb_the_ladder():
    doc = builders.document(scoring={"escalation": {"exchange_data": 1}})
    assert_problem(problems_of(doc), "scoring.escalation.exchange_data", "is not one of")
