"""The control cell's part of a scenario document: personas and scripted media items,
each problem at its path, and the export's round trip."""

import copy
from typing import Any

import pytest

from exercise.document_text import dump_yaml, parse_text
from exercise.errors import Invalid
from exercise.scenario_document import export_document, validate_document
from tests import builders

MEDIA = [
    {
        "key": "M1",
        "at": "7m",
        "persona": "WIRE",
        "headline": "Shots reported at Karst Pass",
        "body": "Residents of *Telvo* heard firing.",
        "to": "all",
    },
    {
        "key": "M2",
        "trigger": {"after": "I1", "delay": "2m"},
        "persona": "UNSG",
        "headline": "Secretary-General urges restraint",
        "body": "",
        "to": ["ARC", "BOR"],
    },
    {"key": "M3", "trigger": {"missed": "E1"}, "persona": "WIRE", "headline": "Silence on the hotline", "body": ""},
]


def cell_document(**changes: Any) -> dict[str, Any]:
    doc = builders.document(personas=copy.deepcopy(builders.PERSONAS), media=copy.deepcopy(MEDIA))
    doc.update(changes)
    return doc


def problems_of(document: Any) -> list[tuple[str, str]]:
    with pytest.raises(Invalid) as caught:
        validate_document(document)
    return [(p["path"], p["message"]) for p in caught.value.details]


def test_personas_and_media_read_into_the_normal_form():
    spec = validate_document(cell_document())
    assert spec["personas"] == builders.PERSONAS
    first, second, third = spec["media"]
    assert (first["at"], first["trigger"], first["to"]) == (420.0, None, "all")
    assert second["trigger"] == {"type": "after", "ref": "I1", "delay": 120.0} and second["at"] is None
    assert third["to"] == "all"  # left out: every team
    assert third["trigger"] == {"type": "missed", "ref": "E1", "delay": 0.0}


def test_a_document_without_them_has_none():
    spec = validate_document(builders.document())
    assert (spec["personas"], spec["media"]) == ([], [])
    assert "personas" not in export_document(spec) and "media" not in export_document(spec)


@pytest.mark.parametrize("write", [dump_yaml, None], ids=["yaml", "normal-form"])
def test_the_export_reads_back_to_the_same_scenario(write):
    spec = validate_document(cell_document())
    exported = export_document(spec)
    assert exported["personas"] == builders.PERSONAS
    assert exported["media"][2] == {
        "key": "M3",
        "trigger": {"missed": "E1"},
        "persona": "WIRE",
        "headline": "Silence on the hotline",
        "body": "",
        "to": "all",
    }
    document = parse_text(write(exported).encode(), yaml_syntax=True) if write else exported
    assert validate_document(document) == spec


def _persona(index: int, **fields: Any) -> dict[str, Any]:
    doc = cell_document()
    doc["personas"][index].update(fields)
    return doc


def _media(index: int, **fields: Any) -> dict[str, Any]:
    doc = cell_document()
    doc["media"][index].update(fields)
    for name, value in fields.items():
        if value is None:
            del doc["media"][index][name]
    return doc


@pytest.mark.parametrize(
    ("document", "path", "fragment"),
    [
        (_persona(1, key="UNSG"), "personas[1].key", "used twice"),
        (_persona(0, key="ARC"), "personas[0].key", "'ARC' is the key of a team"),
        (_persona(0, key="cell"), "personas[0].key", "control cell itself"),
        (_persona(0, key="U N"), "personas[0].key", "not a valid persona key"),
        (_persona(0, name=""), "personas[0].name", "is blank"),
        (_persona(0, role=7), "personas[0].role", "must be text"),
        (_persona(0, voice="calm"), "personas[0].voice", "unknown field"),
        (cell_document(personas={"UNSG": "Office"}), "personas", "must be a list"),
        (_media(0, persona="PRESS"), "media[0].persona", "unknown persona 'PRESS'"),
        (_media(0, persona=None), "media[0].persona", "is required"),
        (_media(0, headline=None), "media[0].headline", "is required"),
        (_media(0, headline="x" * 201), "media[0].headline", "the limit is 200"),
        (_media(1, to=["ARC", "ZZZ"]), "media[1].to[1]", "unknown team key 'ZZZ'"),
        (_media(0, trigger={"after": "I1"}), "media[0]", "has both `at` and `trigger`"),
        (_media(0, at=None), "media[0]", "has neither `at` nor `trigger`"),
        (_media(1, trigger={"after": "I9"}), "media[1].trigger.after", "no inject has the key 'I9'; the injects are"),
        (_media(2, trigger={"met": "E9"}), "media[2].trigger.met", "no expectation has the key 'E9'"),
        (_media(1, key="M1"), "media[1].key", "used twice"),
        (_media(0, at="soon"), "media[0].at", ""),
        (_media(0, outlet="WIRE"), "media[0].outlet", "unknown field"),
    ],
)
def test_each_problem_is_reported_at_its_path(document, path, fragment):
    problems = problems_of(document)
    assert any(at == path and fragment.lower() in message.lower() for at, message in problems), problems


def test_media_without_personas_name_an_unknown_persona():
    problems = problems_of(cell_document(personas=[]))
    assert [at for at, _message in problems] == ["media[0].persona", "media[1].persona", "media[2].persona"]
    assert problems[0][1].endswith("the personas are none")
