"""A scenario document written as a workbook: one sheet per part, a row per item."""

import io
from typing import Any

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from exercise.errors import Invalid, Problem
from exercise.workbook.cells import lines_text, team_list_text, trigger_text, where_text, words_text
from exercise.workbook.layout import README_SHEET, SCENARIO_FIELDS, SHEETS

# Columns of long text, drawn wide and wrapped so that a person can read them in place.
_WIDE = {"Value": 80, "Text": 60, "Summary": 50, "Interests": 40, "Red lines": 40, "Body": 60, "Title": 40}
# The document field a column writes, where it is not the column's name in lower case
# (for problems, which name the document's fields).
_FIELD = {"Value": "", "Summary": "brief.summary", "Interests": "brief.interests", "Red lines": "brief.red_lines"}
_README = (
    "A Parley scenario workbook (docs/scenarios.md says more). Row 1 of each sheet names its columns.",
    "Scenario: one row per field (key, title, summary, duration, classification, read_ahead, map, tags).",
    "  tags: short words separated by commas: maritime, admm-plus.",
    "Objectives: Team blank for an objective of the whole scenario; a team's key for a national one.",
    "Teams: a team's brief in Summary, Interests and Red lines; lists take one entry per line of the cell.",
    "MSEL: one row per inject. At is a time such as 5m or 1h30m; or leave it blank and write a Trigger:",
    "  after I1, met E1 or missed E1, with an optional delay: after I1 +2m.",
    "To and Teams: all, or team keys separated by commas: ARC, BOR.",
    "Expectations: one row per expectation, under the inject named in Inject. Mode each or any;",
    "  Event for the event that meets it, or None for the event a team must refrain from;",
    '  Where: one field=value per line, or a JSON object such as {"count": 2}.',
    "Media: the news wire's items, each due At a time or on a Trigger, published by a Persona.",
    "Scoring: Section trust or escalation, the Name of an event or action kind, and its Weight.",
    "Values only: no formulas and no merged cells. Sheets other than these (and this one) are refused.",
)


def workbook_bytes(document: dict[str, Any]) -> bytes:
    """The workbook of an exported document (``export_document``'s form); Invalid when
    its text holds a character a workbook cannot store."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    problems: list[Problem] = []
    for name, rows in _sheets(document).items():
        sheet = book.create_sheet(name)
        columns = SHEETS[name]
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, (path, values) in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                field = _FIELD.get(columns[column - 1], columns[column - 1].lower())
                _put(sheet.cell(row=number, column=column), value, f"{path}.{field}" if field else path, problems)
        for column, label in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = _WIDE.get(label, 14)
        sheet.freeze_panes = "A2"
    notes = book.create_sheet(README_SHEET)
    for line in _README:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    if problems:
        raise Invalid("This scenario cannot be written as a workbook; export it as YAML or JSON.", problems)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Excel's limit for the text of one cell; longer text is cut off when the file is opened.
CELL_LIMIT = 32_767


def _put(cell: Any, value: Any, path: str, problems: list[Problem]) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        bad = ILLEGAL_CHARACTERS_RE.search(value) or ("\r" in value and "\r")
        if bad:
            char = bad if isinstance(bad, str) else bad.group()
            problems.append(
                {
                    "path": path,
                    "message": f"holds the control character U+{ord(char):04X}, which a workbook cannot store",
                }
            )
            return
        if len(value) > CELL_LIMIT:
            problems.append(
                {
                    "path": path,
                    "message": f"is {len(value):,} characters long; a spreadsheet cell holds at most {CELL_LIMIT:,}",
                }
            )
            return
    cell.value = value
    if isinstance(value, str):
        # Text that begins with '=' is text, as in the document; never a formula.
        cell.data_type = "s"
        if "\n" in value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _scenario_value(document: dict[str, Any], name: str) -> Any:
    value = document.get(name)
    return words_text(value) if name == "tags" and value else value


def _sheets(document: dict[str, Any]) -> dict[str, list[tuple[str, list[Any]]]]:
    """Each sheet's rows, each with the document path it is written from (for problems)."""
    sheets: dict[str, list[tuple[str, list[Any]]]] = {name: [] for name in SHEETS}
    sheets["Scenario"] = [(name, [name, _scenario_value(document, name)]) for name in SCENARIO_FIELDS]
    sheets["Objectives"] = [
        (f"objectives[{n}]", [o["key"], o["text"], None]) for n, o in enumerate(document["objectives"])
    ]
    for index, team in enumerate(document["teams"]):
        brief = team.get("brief") or {}
        path = f"teams[{index}]"
        sheets["Teams"].append(
            (
                path,
                [
                    team["key"],
                    team["name"],
                    brief.get("summary"),
                    lines_text(brief.get("interests", [])),
                    lines_text(brief.get("red_lines", [])),
                ],
            )
        )
        for n, objective in enumerate(brief.get("objectives", [])):
            sheets["Objectives"].append(
                (f"{path}.brief.objectives[{n}]", [objective["key"], objective["text"], team["key"]])
            )
    sheets["Personas"] = [
        (f"personas[{n}]", [p["key"], p["name"], p["role"]]) for n, p in enumerate(document.get("personas", []))
    ]
    for index, inject in enumerate(document["injects"]):
        path = f"injects[{index}]"
        sheets["MSEL"].append(
            (
                path,
                [
                    inject["key"],
                    *_schedule(inject),
                    team_list_text(inject["to"]),
                    inject["kind"],
                    inject["severity"],
                    inject["title"],
                    inject["body"],
                ],
            )
        )
        for n, expectation in enumerate(inject.get("expect", [])):
            sheets["Expectations"].append((f"{path}.expect[{n}]", [inject["key"], *_expectation(expectation)]))
    for index, item in enumerate(document.get("media", [])):
        row = [
            item["key"],
            *_schedule(item),
            item["persona"],
            item["headline"],
            item["body"],
            team_list_text(item["to"]),
        ]
        sheets["Media"].append((f"media[{index}]", row))
    for section, weights in document.get("scoring", {}).items():
        sheets["Scoring"] += [(f"scoring.{section}.{name}", [section, name, w]) for name, w in weights.items()]
    return sheets


def _schedule(item: dict[str, Any]) -> list[Any]:
    return [item.get("at"), trigger_text(item["trigger"]) if "trigger" in item else None]


def _expectation(expectation: dict[str, Any]) -> list[Any]:
    mode = "each" if "each" in expectation else "any"
    return [
        expectation["key"],
        mode,
        team_list_text(expectation[mode]),
        expectation.get("event"),
        expectation.get("none"),
        where_text(expectation["where"]) if expectation.get("where") else None,
        expectation["within"],
        expectation["points"],
        expectation.get("objective"),
    ]
