"""The template workbook people download to start an MSEL: every sheet, with example rows
that import as they stand, for a writer to overwrite."""

from typing import Any

from exercise.scenario_document import export_document, validate_document
from exercise.workbook.writing import workbook_bytes

EXAMPLE: dict[str, Any] = {
    "key": "my-scenario",
    "title": "Title of the scenario",
    "summary": "One paragraph: what happens, between whom.",
    "tags": ["border", "hotline"],
    "duration": "2h",
    "read_ahead": "The road to the crisis, shown to every team before the start.",
    "objectives": [{"key": "O1", "text": "Establish military hotline contact within 15 minutes of an incident"}],
    "teams": [
        {
            "key": "ARC",
            "name": "Republic of Arcadia",
            "brief": {
                "summary": "The situation as Arcadia's government sees it; only Arcadia reads it.",
                "interests": ["Keep the border open to trade", "Avoid a second front"],
                "red_lines": ["No foreign troops on Arcadian soil"],
                "objectives": [{"key": "ARC-1", "text": "Obtain a joint investigation of the incident"}],
            },
        },
        {"key": "BOR", "name": "Borealis Federation"},
    ],
    "personas": [{"key": "WIRE", "name": "Regional News Wire", "role": "press"}],
    "injects": [
        {
            "key": "I1",
            "at": "5m",
            "title": "Exchange of fire at the border post",
            "kind": "border_tension",
            "severity": "high",
            "to": "all",
            "body": "What the teams are told, in Markdown.",
            "expect": [
                {
                    "key": "E1",
                    "each": ["ARC", "BOR"],
                    "event": "hotline.requested",
                    "within": "15m",
                    "points": 10,
                    "objective": "O1",
                },
                {
                    "key": "E2",
                    "each": ["ARC"],
                    "none": "action.taken",
                    "where": {"kind": "deploy_forces"},
                    "within": "30m",
                    "points": 5,
                    "objective": "ARC-1",
                },
            ],
        },
        {
            "key": "I2",
            "trigger": {"missed": "E1", "delay": "5m"},
            "title": "Second exchange of fire; casualties reported",
            "kind": "border_tension",
            "severity": "critical",
            "to": ["ARC", "BOR"],
            "body": "Sent only when a team did not call its neighbour in time.",
        },
    ],
    "media": [
        {
            "key": "M1",
            "trigger": {"after": "I1", "delay": "2m"},
            "persona": "WIRE",
            "headline": "Shots reported at the border",
            "body": "The wire's text.",
            "to": "all",
        },
    ],
    "scoring": {"trust": {"hotline.accepted": 1, "hotline.declined": -1}},
}


def template_workbook() -> bytes:
    return workbook_bytes(export_document(validate_document(EXAMPLE)))
