"""Workbook cells and sheets: the forms a cell writes lists, triggers and constraints in,
the round trip of every shipped scenario, and the bounds of what is read."""

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from exercise.errors import Invalid, TooLarge
from exercise.scenario_document import export_document, validate_document
from exercise.workbook import document_from_workbook, workbook_bytes
from exercise.workbook.cells import (
    as_duration,
    read_team_list,
    read_trigger,
    read_where,
    team_list_text,
    trigger_text,
    where_text,
)
from exercise.workbook.reading import cell_problems
from exercise.workbook.tables import MAX_ROWS, read_csv
from tests import builders

DEMO_SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "exercise" / "demo" / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize(
    "written",
    [{"after": "I1"}, {"met": "E1"}, {"missed": "E-2.b", "delay": "5m"}, {"after": "I1", "delay": "1h30m"}],
)
def test_a_trigger_is_written_in_one_line_and_read_back(written):
    assert read_trigger(trigger_text(written)) == written


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("after I1 + 2m", {"after": "I1", "delay": "2m"}),
        ("  MISSED E1 ", {"missed": "E1"}),
        ("when I1", None),
        ("after", None),
        ("after I1 2m", None),
    ],
)
def test_a_trigger_cell_is_read_as_a_person_types_it(text, read):
    assert read_trigger(text) == read


@pytest.mark.parametrize(
    "where",
    [
        {"kind": "deploy_forces"},
        {"kind": "joint_patrol", "persona": "UNSG"},
        {"count": 2, "public": True},
        {"text": "a=b"},
        {"kind": " padded "},
        {"{odd": "x"},
        {"kind": "line\nbreak"},
    ],
)
def test_where_constraints_are_written_and_read_back_exactly(where):
    assert read_where(where_text(where)) == where


def test_where_uses_lines_when_every_value_is_text():
    assert where_text({"kind": "deploy_forces", "persona": "UNSG"}) == "kind=deploy_forces\npersona=UNSG"
    assert where_text({"count": 2}) == '{"count": 2}'


@pytest.mark.parametrize(
    ("text", "fragment"), [("kind deploy", "not field=value"), ("{nope", "not a JSON object"), ("[1]", "not field")]
)
def test_an_unreadable_where_cell_says_why(text, fragment):
    answer = read_where(text)
    assert isinstance(answer, str)
    assert fragment in answer


def test_team_lists_are_all_or_keys_separated_by_commas():
    assert read_team_list(team_list_text(["ARC", "BOR"])) == ["ARC", "BOR"]
    assert read_team_list("ARC,BOR\nCAL") == ["ARC", "BOR", "CAL"]
    assert read_team_list(" All ") == "all"
    assert read_team_list(None) == []


def test_a_time_of_day_a_spreadsheet_made_is_read_as_a_duration():
    assert as_duration(datetime.time(0, 5)) == 300
    assert as_duration(datetime.timedelta(minutes=90)) == 5400
    assert as_duration("5m") == "5m"
    assert as_duration(None) is None


def _documents() -> list[Any]:
    briefed = builders.document(teams=builders.briefed_teams(), personas=builders.PERSONAS)
    briefed["injects"][0]["expect"].append(
        {
            "key": "E9",
            "each": ["ARC"],
            "none": "action.taken",
            "where": {"kind": "deploy_forces"},
            "within": "30m",
            "points": 5,
            "objective": "ARC-1",
        }
    )
    return [
        pytest.param(builders.document(), id="builder"),
        pytest.param(briefed, id="briefed"),
        *[pytest.param(yaml.safe_load(path.read_text()), id=path.stem) for path in DEMO_SCENARIOS],
    ]


@pytest.mark.parametrize("document", _documents())
def test_a_workbook_reads_back_to_the_same_normal_form(document):
    spec = validate_document(document)
    assert validate_document(document_from_workbook(workbook_bytes(export_document(spec)))) == spec


def test_a_character_a_workbook_cannot_hold_is_refused_at_its_field():
    document = builders.document()
    document["injects"][1]["body"] = "Bell\x07 and carriage\r return"
    document["summary"] = "Two lines\r\nin Windows style"
    with pytest.raises(Invalid) as caught:
        workbook_bytes(export_document(validate_document(document)))
    assert caught.value.details == [
        {"path": "summary", "message": "holds the control character U+000D, which a workbook cannot store"},
        {"path": "injects[1].body", "message": "holds the control character U+0007, which a workbook cannot store"},
    ]


def test_a_problem_is_told_at_the_cell_of_its_nearest_field():
    cells = {"": "Scenario!A1", "injects[0].to": "MSEL!D2", "injects[0]": "MSEL!B2"}
    problems = [
        {"path": "injects[0].to[1]", "message": "unknown"},
        {"path": "injects[0].expect[0].key", "message": "is required"},
        {"path": "title", "message": "is required"},
    ]
    assert cell_problems(problems, cells) == [
        {"path": "MSEL!D2", "message": "unknown"},
        {"path": "MSEL!B2", "message": "is required"},
        {"path": "Scenario!A1", "message": "title is required"},
    ]
    assert cell_problems([{"path": "media[0].to", "message": "x"}], {"injects": "MSEL!A2"}) == [
        {"path": "media[0].to", "message": "x"}
    ]


def test_a_csv_past_the_row_limit_is_too_large_at_the_first_row_past_it():
    rows = "".join(f"X{n},5m,,all,other,low,Inject {n},\n" for n in range(MAX_ROWS + 5))
    with pytest.raises(TooLarge) as caught:
        read_csv(("Key,At,Trigger,To,Kind,Severity,Title,Body\n" + rows).encode())
    assert caught.value.details[0]["path"] == f"MSEL!A{MAX_ROWS + 2}"


def test_a_csv_with_an_unknown_column_names_its_header_cell():
    tables = read_csv(b"\xef\xbb\xbfKey,At,Colour\nI1,5m,red\n")
    assert tables.problems == [
        {
            "path": "MSEL!C1",
            "message": "unknown column 'Colour'; the MSEL sheet's columns are "
            "Key, At, Trigger, To, Kind, Severity, Title, Body",
        }
    ]
    assert tables.rows["MSEL"][0].values == {"Key": "I1", "At": "5m"}
