"""Scenario workbooks over HTTP: export and import (YAML ↔ JSON ↔ XLSX), every problem of a
broken workbook named by its cell, the MSEL replaced from a workbook or CSV, the template."""

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from exercise.models import Scenario
from exercise.scenarios import scenario_spec
from exercise.workbook import XLSX_TYPE
from tests import builders
from tests.api.test_scenarios_api import DEMO_SCENARIOS, SCENARIOS, YAML, assert_error, post_scenario


def richest_document(key: str = "briefed") -> dict[str, Any]:
    """The builder's scenario with briefs, personas, media and a restraint expectation."""
    document = builders.document(key=key, teams=builders.briefed_teams(), personas=builders.PERSONAS)
    document["read_ahead"] = "Two neighbours, one pass.\n\n- a list\n- of things\n"
    document["classification"] = "EXERCISE EXERCISE EXERCISE"
    document["injects"][0]["expect"].append(
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
    document["injects"][0]["expect"].append(
        {"key": "E10", "any": "all", "event": "action.taken", "where": {"count": 2, "public": True}, "within": "1h"}
    )
    document["injects"][1]["body"] = "=SUM(A1:A2) is text here, not a formula"
    document["media"] = [
        {
            "key": "M1",
            "trigger": {"after": "I1", "delay": "2m"},
            "persona": "WIRE",
            "headline": "Shots reported at Karst Pass",
            "body": "Wire text.",
            "to": ["ARC", "BOR"],
        },
        {"key": "M2", "at": "1h", "persona": "UNSG", "headline": "The Secretary-General calls for calm", "body": ""},
    ]
    document["scoring"] = {"trust": {"hotline.accepted": 1.5}, "escalation": {"deploy_forces": 2}}
    return document


ORIGINALS = [
    pytest.param(lambda: yaml.safe_dump(builders.document()).encode(), id="builder"),
    pytest.param(lambda: yaml.safe_dump(richest_document(), allow_unicode=True).encode(), id="briefed"),
    *[pytest.param(path.read_bytes, id=path.stem) for path in DEMO_SCENARIOS],
]


def exported(api, token: str, scenario_id: int, format: str):
    response = api.get(f"{SCENARIOS}/{scenario_id}", token=token, data={"format": format})
    assert response.status_code == 200, response.content
    return response


def edited(raw: bytes, change: Callable[[Any], None]) -> bytes:
    """The workbook with a change made to it as a person would, in a spreadsheet."""
    book = openpyxl.load_workbook(io.BytesIO(raw))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def set_cell(sheet: str, ref: str, value: Any) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        book[sheet][ref] = value

    return change


@pytest.mark.parametrize("original", ORIGINALS)
def test_yaml_json_and_xlsx_exports_import_to_the_same_scenario(api, facilitator, original):
    first = post_scenario(api, facilitator.token, original(), YAML)
    assert first.status_code == 201, first.content
    a = Scenario.objects.get(pk=first.json()["id"])
    workbook = exported(api, facilitator.token, a.pk, "xlsx")
    assert workbook["Content-Type"] == XLSX_TYPE
    assert workbook["Content-Disposition"] == f'attachment; filename="{a.key}.xlsx"'

    renamed = edited(workbook.content, set_cell("Scenario", "B2", f"{a.key}-xlsx"))
    second = post_scenario(api, facilitator.token, renamed, XLSX_TYPE)
    assert second.status_code == 201, second.content
    b = Scenario.objects.get(pk=second.json()["id"])
    assert b.key == f"{a.key}-xlsx"
    spec_a, spec_b = scenario_spec(a), scenario_spec(b)
    assert spec_b.pop("key") == f"{a.key}-xlsx"
    spec_a.pop("key")
    assert spec_b == spec_a

    as_json = exported(api, facilitator.token, b.pk, "json").json()
    assert as_json == exported(api, facilitator.token, a.pk, "json").json() | {"key": b.key}
    again = edited(exported(api, facilitator.token, b.pk, "xlsx").content, set_cell("Scenario", "B2", "third"))
    third = post_scenario(api, facilitator.token, again, XLSX_TYPE)
    assert third.status_code == 201, third.content
    assert exported(api, facilitator.token, third.json()["id"], "json").json() == as_json | {"key": "third"}


def test_the_workbook_has_the_sheets_and_columns_of_the_contract(api, facilitator):
    made = post_scenario(api, facilitator.token, richest_document())
    book = openpyxl.load_workbook(io.BytesIO(exported(api, facilitator.token, made.json()["id"], "xlsx").content))
    assert book.sheetnames[:8] == [
        "Scenario",
        "Objectives",
        "Teams",
        "Personas",
        "MSEL",
        "Expectations",
        "Media",
        "Scoring",
    ]
    msel = book["MSEL"]
    assert [c.value for c in msel[1]] == ["Key", "At", "Trigger", "To", "Kind", "Severity", "Title", "Body"]
    assert [c.value for c in msel[2]][:4] == ["I1", "5m", None, "ARC, BOR"]
    assert [c.value for c in msel[3]][:4] == ["I2", None, "missed E1 +5m", "all"]
    assert msel["H3"].data_type == "s"  # text that starts with '=' is never written as a formula
    rows = {row[1].value: [c.value for c in row] for row in book["Expectations"].iter_rows(min_row=2)}
    assert rows["E9"] == ["I1", "E9", "each", "ARC", None, "action.taken", "kind=deploy_forces", "30m", 5, "ARC-1"]
    assert rows["E10"][6] == '{"count": 2, "public": true}'
    teams = [[c.value for c in row] for row in book["Teams"].iter_rows(min_row=2)]
    assert teams[0][3] == "Keep the pass open to trade\nAvoid a second front in the east"
    objectives = [[c.value for c in row] for row in book["Objectives"].iter_rows(min_row=2)]
    assert ["ARC-1", "Obtain a joint investigation of the incident", "ARC"] in objectives


def a_good_workbook(api, token: str) -> bytes:
    made = post_scenario(api, token, builders.document(key="source"))
    assert made.status_code == 201, made.content
    raw = exported(api, token, made.json()["id"], "xlsx").content
    return edited(raw, set_cell("Scenario", "B2", "from-workbook"))


def add_rows(count: int) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        for n in range(count):
            book["MSEL"].append([f"X{n}", "10m", None, "all", "other", "low", f"Inject {n}", ""])

    return change


def merge(book: Any) -> None:
    book["MSEL"].merge_cells("G2:H2")


BROKEN = [
    pytest.param(lambda book: book.remove(book["MSEL"]), "MSEL!A1", "no sheet named MSEL", id="missing-sheet"),
    pytest.param(set_cell("MSEL", "I1", "Colour"), "MSEL!I1", "unknown column 'Colour'", id="unknown-column"),
    pytest.param(set_cell("MSEL", "B2", "soon"), "MSEL!B2", "'soon' is not a duration", id="bad-time"),
    pytest.param(set_cell("MSEL", "C3", "later on"), "MSEL!C3", "'later on' is not a trigger", id="bad-trigger"),
    pytest.param(set_cell("MSEL", "D2", "ARC, XYZ"), "MSEL!D2", "'XYZ'", id="unknown-team"),
    pytest.param(
        set_cell("Expectations", "D2", "ARC, CAL"), "Expectations!D2", "does not go to it", id="team-not-sent-to"
    ),
    pytest.param(set_cell("MSEL", "A3", "I1"), "MSEL!A3", "'I1' is used twice", id="duplicate-key"),
    pytest.param(set_cell("MSEL", "G2", '=UPPER("x")'), "MSEL!G2", "formula", id="formula"),
    pytest.param(merge, "MSEL!G2", "merged", id="merged-cells"),
    pytest.param(set_cell("Teams", "A2", None), "Teams!A2", "is required", id="blank-key"),
    pytest.param(set_cell("Scenario", "B3", None), "Scenario!B3", "is required", id="blank-title"),
    pytest.param(set_cell("Scenario", "A3", "name"), "Scenario!A3", "unknown field 'name'", id="unknown-field"),
    pytest.param(set_cell("Expectations", "I2", "ten"), "Expectations!I2", "'ten'", id="bad-points"),
    pytest.param(set_cell("Objectives", "C2", "XYZ"), "Objectives!C2", "'XYZ' is not a team", id="objective-team"),
    pytest.param(lambda book: book.create_sheet("Notes"), "Notes!A1", "unknown sheet", id="unknown-sheet"),
]


@pytest.mark.parametrize(("change", "path", "fragment"), BROKEN)
def test_a_broken_workbook_names_the_cell(api, facilitator, change, path, fragment):
    raw = edited(a_good_workbook(api, facilitator.token), change)
    error = assert_error(post_scenario(api, facilitator.token, raw, XLSX_TYPE), 400, "invalid")
    assert path in [d["path"] for d in error["details"]], error
    message = next(d["message"] for d in error["details"] if d["path"] == path)
    assert fragment in message, error
    assert not Scenario.objects.filter(key="from-workbook").exists()


def test_every_problem_of_a_workbook_is_told_at_once(api, facilitator):
    def mistakes(book: Any) -> None:
        book["MSEL"]["B2"] = "soon"
        book["MSEL"]["E3"] = "earthquake"
        book["MSEL"]["D3"] = "XYZ, QQQ"
        book["Teams"]["B3"] = None
        book["Expectations"]["H2"] = 15

    raw = edited(a_good_workbook(api, facilitator.token), mistakes)
    error = assert_error(post_scenario(api, facilitator.token, raw, XLSX_TYPE), 400, "invalid")
    assert sorted(d["path"] for d in error["details"]) == ["MSEL!B2", "MSEL!D3", "MSEL!D3", "MSEL!E3", "Teams!B3"]
    teams = [d["message"] for d in error["details"] if d["path"] == "MSEL!D3"]
    assert ["'XYZ'" in teams[0], "'QQQ'" in teams[1]] == [True, True], teams


def test_a_workbook_of_five_thousand_rows_is_too_large(api, facilitator):
    raw = edited(a_good_workbook(api, facilitator.token), add_rows(5000))
    error = assert_error(post_scenario(api, facilitator.token, raw, XLSX_TYPE), 413, "too_large")
    assert error["details"][0]["path"] == "MSEL!A1002"
    assert "1000 rows" in error["message"]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"key: not-a-workbook\n", id="text"),
        pytest.param(b"PK\x03\x04 broken", id="broken-zip"),
        pytest.param(lambda: _zip({"hello.txt": b"hello"}), id="zip-not-xlsx"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_invalid(api, facilitator, body):
    raw = body() if callable(body) else body
    error = assert_error(post_scenario(api, facilitator.token, raw, XLSX_TYPE), 400, "invalid")
    assert [d["path"] for d in error["details"]] == [""]
    assert "not an XLSX workbook" in error["details"][0]["message"]


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(api, facilitator):
    good = a_good_workbook(api, facilitator.token)
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/media/padding.bin"] = bytes(60 * 1024 * 1024)
    bomb = _zip(members)
    assert len(bomb) < 1024 * 1024
    error = assert_error(post_scenario(api, facilitator.token, bomb, XLSX_TYPE), 413, "too_large")
    assert "unpacks to 60 MB" in error["message"]


def test_the_template_imports_as_it_stands(api, facilitator):
    response = api.get(f"{SCENARIOS}/template.xlsx", token=facilitator.token)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "scenario-template.xlsx" in response["Content-Disposition"]
    made = post_scenario(api, facilitator.token, response.content, XLSX_TYPE)
    assert made.status_code == 201, made.content
    scenario = Scenario.objects.get(pk=made.json()["id"])
    assert [i.key for i in scenario.injects.all()] == ["I1", "I2"]
    assert scenario.media.count() == 1


def test_the_template_needs_a_signed_in_staff_member(api, facilitator):
    assert_error(api.get(f"{SCENARIOS}/template.xlsx"), 401, "not_authenticated")


MSEL_HEADER = "Key,At,Trigger,To,Kind,Severity,Title,Body\n"


def test_a_csv_msel_replaces_the_injects_and_keeps_expectations_of_kept_keys(api, facilitator, scenario):
    csv_text = (
        MSEL_HEADER
        + 'I1,10m,,"ARC, BOR",border_tension,high,Fire at the pass,"Two lines,\nof body"\n'
        + "I3,,missed E1 +5m,all,media,medium,Press reports,\n"
    )
    response = api.post(f"{SCENARIOS}/{scenario.pk}/msel", csv_text.encode(), facilitator.token, "text/csv")
    assert response.status_code == 200, response.content
    assert response.json() == {"id": scenario.pk, "key": scenario.key, "title": scenario.title}
    spec = scenario_spec(scenario)
    assert [(i["key"], i["at"], i["title"]) for i in spec["injects"]] == [
        ("I1", 600.0, "Fire at the pass"),
        ("I3", None, "Press reports"),
    ]
    assert spec["injects"][0]["body"] == "Two lines,\nof body"
    assert [e["key"] for e in spec["injects"][0]["expect"]] == ["E1"]
    assert spec["injects"][1]["trigger"] == {"type": "missed", "ref": "E1", "delay": 300.0}


def test_a_csv_msel_with_mistakes_names_its_cells(api, facilitator, scenario):
    csv_text = MSEL_HEADER + 'I1,5m,,"ARC, BOR",border_tension,high,Fire,\n' + "I3,,met E7,all,quake,low,Next,\n"
    response = api.post(f"{SCENARIOS}/{scenario.pk}/msel", csv_text.encode(), facilitator.token, "text/csv")
    error = assert_error(response, 400, "invalid")
    assert sorted(d["path"] for d in error["details"]) == ["MSEL!C3", "MSEL!E3"]
    assert [i.key for i in scenario.injects.all()] == ["I1", "I2"]


def test_dropping_an_inject_whose_expectation_a_trigger_waits_on_is_refused(api, facilitator, scenario):
    csv_text = MSEL_HEADER + "I2,5m,,all,border_tension,high,Alone,\n" + "I3,,missed E1,all,other,low,Waits,\n"
    response = api.post(f"{SCENARIOS}/{scenario.pk}/msel", csv_text.encode(), facilitator.token, "text/csv")
    error = assert_error(response, 400, "invalid")
    assert [d["path"] for d in error["details"]] == ["MSEL!C3"]
    assert "E1" in error["details"][0]["message"]


def test_a_workbook_msel_brings_its_expectations(api, facilitator, scenario):
    raw = exported(api, facilitator.token, scenario.pk, "xlsx").content

    def change(book: Any) -> None:
        book["MSEL"]["B2"] = "20m"
        book["Expectations"]["B2"] = "E5"
        book["Expectations"]["H2"] = "10m"

    response = api.post(f"{SCENARIOS}/{scenario.pk}/msel", edited(raw, change), facilitator.token, XLSX_TYPE)
    error = assert_error(response, 400, "invalid")  # I2 still waits on E1, now gone
    assert [d["path"] for d in error["details"]] == ["MSEL!C3"]

    def fixed(book: Any) -> None:
        change(book)
        book["MSEL"]["C3"] = "missed E5 +1m"

    response = api.post(f"{SCENARIOS}/{scenario.pk}/msel", edited(raw, fixed), facilitator.token, XLSX_TYPE)
    assert response.status_code == 200, response.content
    spec = scenario_spec(scenario)
    assert spec["injects"][0]["at"] == 1200.0
    assert [(e["key"], e["within"]) for e in spec["injects"][0]["expect"]] == [("E5", 600.0)]


def test_the_msel_of_a_scenario_an_exercise_used_is_not_replaced(api, facilitator, scenario):
    builders.exercise(facilitator.caller, scenario)
    csv_text = MSEL_HEADER + "I1,5m,,all,other,low,Replaced,\n"
    response = api.post(f"{SCENARIOS}/{scenario.pk}/msel", csv_text.encode(), facilitator.token, "text/csv")
    error = assert_error(response, 409, "invalid_state")
    assert "used by an exercise" in error["message"]
    assert scenario.injects.first().title == "Exchange of fire at Karst Pass border post"


def test_only_a_facilitator_replaces_an_msel(api, scenario):
    evaluator = builders.staff("evaluator")
    csv_text = MSEL_HEADER + "I1,5m,,all,other,low,Replaced,\n"
    response = api.post(f"{SCENARIOS}/{scenario.pk}/msel", csv_text.encode(), evaluator.token, "text/csv")
    assert_error(response, 403, "forbidden")


def test_an_msel_of_another_type_is_invalid(api, facilitator, scenario):
    response = api.post(f"{SCENARIOS}/{scenario.pk}/msel", {"injects": []}, facilitator.token)
    error = assert_error(response, 400, "invalid")
    assert "text/csv" in error["message"]


def test_the_docs_describe_every_sheet():
    text = (Path(__file__).resolve().parents[2] / "docs" / "scenarios.md").read_text()
    for sheet in ("Scenario", "Objectives", "Teams", "Personas", "MSEL", "Expectations", "Media", "Scoring"):
        assert f"`{sheet}`" in text


def test_a_scenario_a_workbook_cannot_hold_is_refused_by_name_not_with_a_500(api, facilitator):
    document = builders.document(key="bell")
    document["injects"][1]["body"] = "Bell\x07"
    made = post_scenario(api, facilitator.token, document)
    assert made.status_code == 201, made.content
    response = api.get(f"{SCENARIOS}/{made.json()['id']}", token=facilitator.token, data={"format": "xlsx"})
    error = assert_error(response, 400, "invalid")
    assert "YAML or JSON" in error["message"]
    assert [d["path"] for d in error["details"]] == ["injects[1].body"]
