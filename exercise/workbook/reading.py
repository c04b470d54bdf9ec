"""A workbook's rows read into a scenario document, with the cell each field came from,
checked by the scenario validator; every problem is told against its cell (``MSEL!B7``)."""

import re
from collections.abc import Callable
from typing import Any

from exercise.errors import Invalid, Problem
from exercise.scenario_document import validate_document
from exercise.workbook.cells import (
    TRIGGER_FORM,
    as_duration,
    as_number,
    as_text,
    read_lines,
    read_team_list,
    read_trigger,
    read_where,
    read_words,
)
from exercise.workbook.layout import REQUIRED_SHEETS, SCENARIO_FIELDS
from exercise.workbook.tables import Row, Tables

_LAST_STEP = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


class Reading:
    """A document being read from sheets: its fields, the cell of each, the problems so far."""

    def __init__(self, tables: Tables):
        self.tables = tables
        self.document: dict[str, Any] = {}
        self.cells: dict[str, str] = {}

    def put(self, target: dict[str, Any], name: str, value: Any, path: str, ref: str) -> None:
        target[name] = value
        self.cells[path] = ref

    def problem(self, ref: str, message: str) -> None:
        self.tables.problem(ref, message)

    def validated(self, validate: Callable[[Any], Any]) -> Any:
        """The validator's answer; Invalid with the reader's and the validator's problems."""
        result, problems = self.checked(validate)
        if problems:
            raise Invalid(f"The workbook has {len(problems)} problem(s).", problems)
        return result

    def checked(self, validate: Callable[[Any], Any]) -> tuple[Any, list[Problem]]:
        """The validator's answer (None when it refused) and every problem, the reader's and
        the validator's, the validator's told against cells. A cell the reader found a
        problem in has made the validator read what the cell held, or a stand-in, whose
        problems would only repeat it: they are left out."""
        problems = list(self.tables.problems)
        try:
            result = validate(self.document)
        except Invalid as exc:
            told = {item["path"] for item in problems}
            for item in cell_problems(exc.details, self.cells):
                if item["path"] not in told and item not in problems:
                    problems.append(item)
            result = None
        return result, problems


def cell_problems(problems: list[Problem], cells: dict[str, str]) -> list[Problem]:
    """Each problem with its document path replaced by the cell of the nearest field read
    from one; a path no cell holds stays as it is."""
    found: list[Problem] = []
    for item in problems:
        path = item["path"]
        while path not in cells and path:
            step = _LAST_STEP.search(path)
            path = path[: step.start()] if step else ""
        if path not in cells:
            found.append(item)
        elif path == "" and item["path"]:
            found.append({"path": cells[""], "message": f"{item['path']} {item['message']}"})
        else:
            found.append({"path": cells[path], "message": item["message"]})
    return found


def read_document(tables: Tables) -> dict[str, Any]:
    """The scenario document of a workbook's sheets, validated; Invalid naming cells."""
    reading = _read(tables)
    reading.validated(validate_document)
    return reading.document


def read_document_as_written(tables: Tables) -> tuple[dict[str, Any], list[Problem], list[Problem]]:
    """The document of a workbook's sheets as its cells hold it, valid or not, so that a
    writer can fix it elsewhere (the editor); with every problem told against its cell,
    and those of them the document has no place for (a row the reader could not put
    anywhere, such as an objective of an unknown team): the editor can only list those."""
    reading = _read(tables)
    _, problems = reading.checked(validate_document)
    placed = set(reading.cells.values())
    unplaced = [item for item in reading.tables.problems if item["path"] not in placed]
    return reading.document, problems, unplaced


def _read(tables: Tables) -> Reading:
    reading = Reading(tables)
    for sheet in REQUIRED_SHEETS:
        if sheet not in tables.rows:
            reading.problem(f"{sheet}!A1", f"the workbook has no sheet named {sheet}; a scenario workbook needs it")
    reading.cells[""] = "Scenario!A1"
    _scenario_fields(reading, tables.rows.get("Scenario", []))
    teams = _teams(reading, tables.rows.get("Teams", []))
    _objectives(reading, tables.rows.get("Objectives", []), teams)
    _personas(reading, tables.rows.get("Personas", []))
    read_injects(reading, tables.rows.get("MSEL", []))
    if "Expectations" in tables.rows:
        read_expectations(reading, tables.rows["Expectations"])
    _media(reading, tables.rows.get("Media", []))
    _scoring(reading, tables.rows.get("Scoring", []))
    return reading


def _scenario_fields(reading: Reading, rows: list[Row]) -> None:
    seen: set[str] = set()
    for row in rows:
        name = (as_text(row.values.get("Field")) or "").strip().lower().replace(" ", "_")
        if name not in SCENARIO_FIELDS:
            reading.problem(
                row.ref("Field"),
                f"unknown field '{row.values.get('Field')}'; the fields are {', '.join(SCENARIO_FIELDS)}",
            )
            continue
        if name in seen:
            reading.problem(row.ref("Field"), f"the field '{name}' is given twice; keep one row")
            continue
        seen.add(name)
        value = row.values.get("Value")
        if name == "duration":
            value = as_duration(value)
        elif name == "tags":
            value = read_words(as_text(value))
        else:
            value = as_text(value)
        reading.cells[name] = row.ref("Value")  # a blank value is told at its own cell
        if value is not None:
            reading.document[name] = value


def _teams(reading: Reading, rows: list[Row]) -> dict[str, tuple[dict[str, Any], str]]:
    """The teams read, by key, each with its path in the document."""
    teams: list[dict[str, Any]] = []
    by_key: dict[str, tuple[dict[str, Any], str]] = {}
    reading.put(reading.document, "teams", teams, "teams", "Teams!A2")
    for index, row in enumerate(rows):
        path = f"teams[{index}]"
        team: dict[str, Any] = {}
        reading.cells[path] = row.ref("Key")
        reading.put(team, "key", as_text(row.values.get("Key")), f"{path}.key", row.ref("Key"))
        reading.put(team, "name", as_text(row.values.get("Name")), f"{path}.name", row.ref("Name"))
        summary, interests, red_lines = (as_text(row.values.get(c)) for c in ("Summary", "Interests", "Red lines"))
        if summary is not None or interests is not None or red_lines is not None:
            brief: dict[str, Any] = {}
            reading.put(team, "brief", brief, f"{path}.brief", row.ref("Summary"))
            reading.put(brief, "summary", summary or "", f"{path}.brief.summary", row.ref("Summary"))
            reading.put(brief, "interests", read_lines(interests), f"{path}.brief.interests", row.ref("Interests"))
            reading.put(brief, "red_lines", read_lines(red_lines), f"{path}.brief.red_lines", row.ref("Red lines"))
        teams.append(team)
        if isinstance(team["key"], str):
            by_key.setdefault(team["key"], (team, path))
    return by_key


def _objectives(reading: Reading, rows: list[Row], teams: dict[str, tuple[dict[str, Any], str]]) -> None:
    scenario: list[dict[str, Any]] = []
    reading.put(reading.document, "objectives", scenario, "objectives", "Objectives!A2")
    for row in rows:
        owner = as_text(row.values.get("Team"))
        if owner is None:
            target, path = scenario, f"objectives[{len(scenario)}]"
        elif owner in teams:
            team, team_path = teams[owner]
            target = team.setdefault("brief", {}).setdefault("objectives", [])
            path = f"{team_path}.brief.objectives[{len(target)}]"
        else:
            reading.problem(
                row.ref("Team"),
                f"'{owner}' is not a team on the Teams sheet; the teams are {', '.join(sorted(teams)) or 'none'}"
                " (leave the cell blank for an objective of the whole scenario)",
            )
            continue
        objective: dict[str, Any] = {}
        reading.cells[path] = row.ref("Key")
        reading.put(objective, "key", as_text(row.values.get("Key")), f"{path}.key", row.ref("Key"))
        reading.put(objective, "text", as_text(row.values.get("Text")), f"{path}.text", row.ref("Text"))
        target.append(objective)


def _personas(reading: Reading, rows: list[Row]) -> None:
    if not rows:
        return
    personas: list[dict[str, Any]] = []
    reading.put(reading.document, "personas", personas, "personas", "Personas!A2")
    for index, row in enumerate(rows):
        path = f"personas[{index}]"
        persona: dict[str, Any] = {}
        reading.cells[path] = row.ref("Key")
        for column in ("Key", "Name", "Role"):
            reading.put(
                persona, column.lower(), as_text(row.values.get(column)), f"{path}.{column.lower()}", row.ref(column)
            )
        personas.append(persona)


def _schedule(reading: Reading, item: dict[str, Any], row: Row, path: str) -> None:
    """An inject's or media item's At or Trigger cell, the other left out."""
    reading.cells[path] = row.ref("At")
    at = as_duration(row.values.get("At"))
    if at is not None:
        reading.put(item, "at", at, f"{path}.at", row.ref("At"))
    written = as_text(row.values.get("Trigger"))
    if written is None:
        return
    trigger: dict[str, Any] | str | None = read_trigger(written)
    if trigger is None:
        reading.problem(row.ref("Trigger"), f"'{written}' is not a trigger; {TRIGGER_FORM}")
        trigger = written  # kept as written, for the validator to refuse at its path
    reading.put(item, "trigger", trigger, f"{path}.trigger", row.ref("Trigger"))


def read_injects(reading: Reading, rows: list[Row]) -> None:
    """The MSEL sheet's rows as the document's injects (also for an MSEL replaced alone)."""
    injects: list[dict[str, Any]] = []
    reading.put(reading.document, "injects", injects, "injects", "MSEL!A2")
    for index, row in enumerate(rows):
        path = f"injects[{index}]"
        inject: dict[str, Any] = {}
        reading.put(inject, "key", as_text(row.values.get("Key")), f"{path}.key", row.ref("Key"))
        _schedule(reading, inject, row, path)
        for column in ("Title", "Kind", "Severity"):
            reading.put(
                inject, column.lower(), as_text(row.values.get(column)), f"{path}.{column.lower()}", row.ref(column)
            )
        reading.put(inject, "to", read_team_list(as_text(row.values.get("To"))), f"{path}.to", row.ref("To"))
        reading.put(inject, "body", as_text(row.values.get("Body")) or "", f"{path}.body", row.ref("Body"))
        injects.append(inject)


def read_expectations(reading: Reading, rows: list[Row]) -> None:
    """The Expectations sheet's rows, each put under the inject its Inject cell names."""
    injects = reading.document["injects"]
    index_of: dict[str, int] = {}
    for index, inject in enumerate(injects):
        if isinstance(inject.get("key"), str):
            index_of.setdefault(inject["key"], index)
    for row in rows:
        owner = as_text(row.values.get("Inject"))
        if owner not in index_of:
            found = f"'{owner}' is not an inject on the MSEL sheet" if owner else "is blank"
            reading.problem(row.ref("Inject"), f"{found}; name the key of one: {', '.join(index_of) or 'none yet'}")
            continue
        expect = injects[index_of[owner]].setdefault("expect", [])
        path = f"injects[{index_of[owner]}].expect[{len(expect)}]"
        expect.append(_expectation(reading, row, path))


def _expectation(reading: Reading, row: Row, path: str) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    reading.cells[path] = row.ref("Event")
    reading.put(entry, "key", as_text(row.values.get("Key")), f"{path}.key", row.ref("Key"))
    mode = (as_text(row.values.get("Mode")) or "each").strip().lower()
    if mode not in ("each", "any"):
        reading.problem(
            row.ref("Mode"), f"'{mode}' is not a mode; write each (decided per team) or any (once for the group)"
        )
        mode = "each"
    reading.put(entry, mode, read_team_list(as_text(row.values.get("Teams"))), f"{path}.{mode}", row.ref("Teams"))
    reading.put(entry, "event", as_text(row.values.get("Event")), f"{path}.event", row.ref("Event"))
    reading.put(entry, "none", as_text(row.values.get("None")), f"{path}.none", row.ref("None"))
    written = as_text(row.values.get("Where"))
    where: dict[str, Any] | str | None = read_where(written)
    if isinstance(where, str):
        reading.problem(row.ref("Where"), where)
        where = written  # kept as written, for the validator to refuse at its path
    reading.put(entry, "where", where, f"{path}.where", row.ref("Where"))
    reading.put(entry, "within", as_duration(row.values.get("Within")), f"{path}.within", row.ref("Within"))
    points = as_number(row.values.get("Points"))
    if points is not None:
        reading.put(entry, "points", points, f"{path}.points", row.ref("Points"))
    reading.put(entry, "objective", as_text(row.values.get("Objective")), f"{path}.objective", row.ref("Objective"))
    return entry


def _media(reading: Reading, rows: list[Row]) -> None:
    if not rows:
        return
    media: list[dict[str, Any]] = []
    reading.put(reading.document, "media", media, "media", "Media!A2")
    for index, row in enumerate(rows):
        path = f"media[{index}]"
        item: dict[str, Any] = {}
        reading.put(item, "key", as_text(row.values.get("Key")), f"{path}.key", row.ref("Key"))
        _schedule(reading, item, row, path)
        for column in ("Persona", "Headline"):
            reading.put(
                item, column.lower(), as_text(row.values.get(column)), f"{path}.{column.lower()}", row.ref(column)
            )
        reading.put(item, "body", as_text(row.values.get("Body")) or "", f"{path}.body", row.ref("Body"))
        to = as_text(row.values.get("To"))
        if to is not None:
            reading.put(item, "to", read_team_list(to), f"{path}.to", row.ref("To"))
        media.append(item)


def _scoring(reading: Reading, rows: list[Row]) -> None:
    if not rows:
        return
    scoring: dict[str, dict[str, Any]] = {}
    reading.put(reading.document, "scoring", scoring, "scoring", "Scoring!A2")
    for row in rows:
        section, name = as_text(row.values.get("Section")), as_text(row.values.get("Name"))
        if section is None or name is None:
            reading.problem(
                row.ref("Section" if section is None else "Name"), "is blank; write trust or escalation, and a name"
            )
            continue
        weights = scoring.setdefault(section, {})
        reading.cells.setdefault(f"scoring.{section}", row.ref("Section"))
        if name in weights:
            reading.problem(row.ref("Name"), f"'{name}' is weighed twice in {section}; keep one row")
            continue
        reading.put(weights, name, as_number(row.values.get("Weight")), f"scoring.{section}.{name}", row.ref("Weight"))
