"""Scenario documents as spreadsheets (MSEL workbooks) and MSEL sheets as CSV.

A workbook is read into the same document a YAML file gives, with the cell each value came
from, and checked by the same validator; its problems are told against the cells.
"""

from exercise.workbook.layout import XLSX_TYPE
from exercise.workbook.reading import read_document
from exercise.workbook.tables import read_workbook
from exercise.workbook.writing import workbook_bytes


def document_from_workbook(raw: bytes) -> dict[str, object]:
    """The scenario document an XLSX file holds, valid; Invalid naming its cells."""
    return read_document(read_workbook(raw))


__all__ = ["XLSX_TYPE", "document_from_workbook", "workbook_bytes"]
