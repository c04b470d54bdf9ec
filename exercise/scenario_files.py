"""Scenario files as they arrive: a request body or an uploaded file, read into a document.

The API and the library page's upload form both read through here, so a file gives the
same document, and the same problems, whichever door it came in by."""

from pathlib import PurePath
from typing import IO, Any

from exercise.document_text import YAML_TYPES, parse_text
from exercise.errors import Invalid, TooLarge
from exercise.workbook import XLSX_TYPE, document_from_workbook
from exercise.workbook.tables import MAX_FILE_BYTES

# A text document larger than this is not a scenario anyone wrote; workbooks have their
# own bound, checked before they are unpacked (exercise/workbook/tables.py).
TEXT_LIMIT = 2 * 1024 * 1024

MEDIA_TYPES = {".yaml": "application/yaml", ".yml": "application/yaml", ".json": "application/json", ".xlsx": XLSX_TYPE}


def read_scenario_file(raw: bytes, *, media_type: str) -> Any:
    """The document a file of this media type holds; Invalid naming where it is broken."""
    if media_type == XLSX_TYPE:
        return document_from_workbook(raw)
    if len(raw) > TEXT_LIMIT:
        raise TooLarge("A scenario document may be at most 2 MB.")
    return parse_text(raw, yaml_syntax=media_type in YAML_TYPES)


def read_scenario_upload(*, filename: str, size: int, content: IO[bytes]) -> Any:
    """The document an uploaded file holds, told by its name's ending; refused by its size
    before it is read, as the API refuses a body (an upload is not bounded by Django)."""
    media_type = media_type_of(filename)
    if size > max(TEXT_LIMIT, MAX_FILE_BYTES):
        raise TooLarge(
            f"'{filename}' is {size // 1024} KB; a scenario file may be at most 2 MB.",
            [{"path": "", "message": f"the file is {size} bytes; the limit is {max(TEXT_LIMIT, MAX_FILE_BYTES)}"}],
        )
    return read_scenario_file(content.read(), media_type=media_type)


def media_type_of(filename: str) -> str:
    """The media type an uploaded file's name says it is; Invalid for any other kind."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in MEDIA_TYPES:
        allowed = ", ".join(MEDIA_TYPES)
        raise Invalid(
            f"Upload a scenario as {allowed}; '{filename}' is none of these.",
            [{"path": "", "message": f"the file's name ends in '{suffix or 'nothing'}'; allowed are {allowed}"}],
        )
    return MEDIA_TYPES[suffix]
