"""A scenario's tags: checked (each problem at its path, or at its cell in a workbook),
lowered, stored, exported, and carried in the workbook's Scenario sheet."""

import io

import openpyxl
import pytest

from exercise.errors import Invalid
from exercise.scenario_document import export_document, validate_document
from exercise.scenarios import import_scenario, scenario_document
from exercise.workbook import document_from_workbook, workbook_bytes
from tests import builders


def problems(document: dict) -> list[tuple[str, str]]:
    with pytest.raises(Invalid) as refused:
        validate_document(document)
    return [(p["path"], p["message"]) for p in refused.value.details]


def test_tags_are_lowered_and_exported_in_order():
    spec = validate_document(builders.document(tags=["Maritime", " admm-plus ", "hadr"]))
    assert spec["tags"] == ["maritime", "admm-plus", "hadr"]
    assert export_document(spec)["tags"] == ["maritime", "admm-plus", "hadr"]


def test_a_scenario_without_tags_exports_none():
    spec = validate_document(builders.document())
    assert spec["tags"] == []
    assert "tags" not in export_document(spec)


@pytest.mark.parametrize(
    ("tags", "path", "fragment"),
    [
        ("maritime", "tags", "it must be a list"),
        (["ok", "two words"], "tags[1]", "'two words' is not a tag"),
        (["ok", "under_score"], "tags[1]", "letters, digits and '-'"),
        (["sea", "land", "SEA"], "tags[2]", "'sea' is listed twice"),
        ([7], "tags[0]", "must be text"),
        (["x" * 25], "tags[0]", "the limit is 24"),
        ([f"t{n}" for n in range(11)], "tags", "at most 10"),
    ],
)
def test_a_bad_tag_is_told_at_its_path(tags, path, fragment):
    found = problems(builders.document(tags=tags))
    assert any(p == path and fragment in m for p, m in found), found


@pytest.mark.django_db
def test_tags_are_stored_and_read_back(facilitator):
    scenario = import_scenario(caller=facilitator.caller, document=builders.document(key="tagged", tags=["Sea"]))
    assert scenario.tags == ["sea"]
    assert scenario_document(caller=facilitator.caller, scenario_id=scenario.pk)["tags"] == ["sea"]


def _book(document: dict) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(export_document(validate_document(document)))))


def _tags_row(book: openpyxl.Workbook) -> int:
    return next(row[0].row for row in book["Scenario"].iter_rows() if row[0].value == "tags")


def test_the_workbook_carries_tags_as_words_separated_by_commas():
    document = builders.document(tags=["maritime", "admm-plus"])
    book = _book(document)
    assert book["Scenario"].cell(_tags_row(book), 2).value == "maritime, admm-plus"
    out = io.BytesIO()
    book.save(out)
    assert document_from_workbook(out.getvalue())["tags"] == ["maritime", "admm-plus"]


def test_a_bad_tag_in_a_workbook_is_told_at_its_cell():
    book = _book(builders.document(tags=["maritime"]))
    row = _tags_row(book)
    book["Scenario"].cell(row, 2).value = "maritime, not/a/tag"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(Invalid) as refused:
        document_from_workbook(out.getvalue())
    assert [(p["path"], "'not/a/tag' is not a tag" in p["message"]) for p in refused.value.details] == [
        (f"Scenario!B{row}", True)
    ]
