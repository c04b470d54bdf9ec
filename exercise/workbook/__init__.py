"""Scenario documents as spreadsheets (MSEL workbooks) and MSEL sheets as CSV.

A workbook is read into the same document a YAML file gives, with the cell each value came
from, and checked by the same validator; its problems are told against the cells.
"""

from exercise.errors import Problem
from exercise.workbook.layout import XLSX_TYPE
from exercise.workbook.reading import read_document, read_document_as_written
from exercise.workbook.tables import read_workbook
from exercise.workbook.writing import workbook_bytes


def document_from_workbook(raw: bytes) -> dict[str, object]:
    """The scenario document an XLSX file holds, valid; Invalid naming its cells."""
    return read_document(read_workbook(raw))


def workbook_as_written(raw: bytes) -> tuple[dict[str, object], list[Problem], list[Problem]]:
    """The document an XLSX file holds, valid or not, with its problems at their cells and
    those the document has no place for; Invalid only for a file that is no workbook."""
    return read_document_as_written(read_workbook(raw))


__all__ = ["XLSX_TYPE", "document_from_workbook", "workbook_as_written", "workbook_bytes"]
