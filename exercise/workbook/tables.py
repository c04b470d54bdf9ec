"""Reading the rows of a workbook's sheets (or of a CSV file) under bounds that an
uploaded file cannot push past, with the cell each value came from.

Problems a person can fix in the file (an unknown column, a formula, merged cells) are
collected and told all at once; a file too large to read is refused at once.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from exercise.errors import Invalid, Problem, TooLarge
from exercise.workbook.layout import README_SHEET, REQUIRED_COLUMNS, SHEETS

# An MSEL of a long exercise runs to a few hundred rows; past these bounds a file is a
# mistake or an attack, and reading it would only tie a worker up.
MAX_FILE_BYTES = 2 * 1024 * 1024  # as any API body (settings.API_MAX_BODY_BYTES)
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 500
MAX_ROWS = 1_000
# Blank rows cost nothing to store but are still read one by one.
MAX_SCANNED_ROWS = 5 * MAX_ROWS
MAX_COLUMNS = 40
NOT_A_WORKBOOK = "is not an XLSX workbook; save it from the spreadsheet as Excel Workbook (.xlsx)"


@dataclass
class Row:
    """One row of a sheet: its values by column name, and the cell of each."""

    sheet: str
    number: int
    values: dict[str, Any]
    columns: dict[str, str] = field(default_factory=dict)  # column name -> its letter

    def ref(self, column: str | None = None) -> str:
        """``SHEET!B7``: the cell of this row in that column (column A when the sheet has none)."""
        letter = self.columns.get(column, "A") if column else "A"
        return f"{self.sheet}!{letter}{self.number}"


@dataclass
class Tables:
    """The sheets read, by name, and the problems found while reading them."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, ref: str, message: str) -> None:
        self.problems.append({"path": ref, "message": message})


def _refuse_bombs(raw: bytes) -> None:
    """Refuse an upload that is not a zip, or whose members unpack to far more than a
    scenario can hold: the declared sizes are checked before anything is unpacked."""
    if len(raw) > MAX_FILE_BYTES:
        raise TooLarge(f"A workbook may be at most {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Invalid("The file is not a workbook.", [{"path": "", "message": f"the file {NOT_A_WORKBOOK}"}]) from exc
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise TooLarge(f"The workbook holds {len(members)} files; a scenario workbook needs far fewer.")
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise TooLarge(
            f"The workbook unpacks to {unpacked // (1024 * 1024)} MB; "
            f"at most {MAX_UNPACKED_BYTES // (1024 * 1024)} MB is read."
        )


def read_workbook(raw: bytes) -> Tables:
    """The rows of every known sheet of an XLSX file."""
    _refuse_bombs(raw)
    tables = Tables()
    try:
        # Not read-only: that mode hides merged cells, and the file is small once bounded above.
        book = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as exc:  # any failure of the parser on an upload means an unreadable file
        raise Invalid("The file is not a workbook.", [{"path": "", "message": f"the file {NOT_A_WORKBOOK}"}]) from exc
    try:
        for sheet in book.worksheets:
            if sheet.title == README_SHEET:
                continue
            if sheet.title not in SHEETS:
                tables.problem(
                    f"{_quoted(sheet.title)}!A1",
                    f"unknown sheet '{sheet.title}'; a scenario workbook has the sheets {', '.join(SHEETS)}"
                    f" (and '{README_SHEET}', which is not read)",
                )
                continue
            _merged_cells(sheet, tables)
            tables.rows[sheet.title] = _table(sheet.title, _sheet_rows(sheet, tables), tables)
    except (TooLarge, Invalid):
        raise
    except Exception as exc:  # a damaged sheet inside a well-formed zip
        raise Invalid("The workbook cannot be read.", [{"path": "", "message": f"the file {NOT_A_WORKBOOK}"}]) from exc
    finally:
        book.close()
    return tables


def _quoted(sheet: str) -> str:
    """A sheet name as a cell reference writes it: quoted when it holds a space."""
    return f"'{sheet}'" if not sheet.isalnum() else sheet


def _sheet_rows(sheet: Any, tables: Tables) -> Iterator[tuple[int, list[Any]]]:
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        values: list[Any] = []
        for column, cell in enumerate(cells, start=1):
            if getattr(cell, "data_type", None) == "f":
                tables.problem(
                    f"{sheet.title}!{get_column_letter(column)}{number}",
                    f"holds the formula {str(cell.value)[:60]}; a scenario workbook takes values only: "
                    "copy the cell and paste it back as values",
                )
                values.append(None)
            else:
                values.append(cell.value)
        yield number, values


def _merged_cells(sheet: Any, tables: Tables) -> None:
    """Merged cells hide which row a value belongs to; the reader refuses them."""
    for merged in sheet.merged_cells.ranges:
        tables.problem(
            f"{sheet.title}!{merged.coord.split(':')[0]}",
            f"the cells {merged.coord} are merged; a scenario workbook takes one value per cell: unmerge them",
        )


def read_csv(raw: bytes, sheet: str = "MSEL") -> Tables:
    """The rows of a CSV file written as the columns of one sheet (row 1 naming them)."""
    if len(raw) > MAX_FILE_BYTES:
        raise TooLarge(f"A CSV file may be at most {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        text = raw.decode("utf-8-sig")  # spreadsheets save CSV with a byte-order mark
    except UnicodeDecodeError as exc:
        raise Invalid("The CSV file is not UTF-8 text.", [{"path": "", "message": str(exc)}]) from exc
    tables = Tables()
    try:
        records = list(_csv_rows(text))
    except csv.Error as exc:
        raise Invalid("The CSV file cannot be read.", [{"path": "", "message": str(exc)}]) from exc
    tables.rows[sheet] = _table(sheet, iter(records), tables)
    return tables


def _csv_rows(text: str) -> Iterator[tuple[int, list[Any]]]:
    # Row numbers count records, as a spreadsheet opening the file numbers its rows.
    for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if number > MAX_SCANNED_ROWS:
            raise TooLarge(f"The CSV file has more than {MAX_SCANNED_ROWS} rows; a scenario takes at most {MAX_ROWS}.")
        yield number, [value if value != "" else None for value in record[:MAX_COLUMNS]]


def _table(sheet: str, rows: Iterator[tuple[int, list[Any]]], tables: Tables) -> list[Row]:
    """The sheet's rows by column name; the header is row 1, blank rows are passed over."""
    first = next(rows, None)
    known = SHEETS[sheet]
    if first is None or first[0] != 1 or _blank(first[1]):
        tables.problem(f"{sheet}!A1", f"row 1 must name the columns: {', '.join(known)}")
        return []
    columns = _header(sheet, first[1], tables)
    found: list[Row] = []
    for number, values in rows:
        if number > MAX_SCANNED_ROWS or (len(found) >= MAX_ROWS and not _blank(values)):
            raise TooLarge(
                f"The sheet {sheet} has more than {MAX_ROWS} rows; a scenario takes at most {MAX_ROWS}.",
                [{"path": f"{sheet}!A{number}", "message": f"row {number} is past the limit of {MAX_ROWS} rows"}],
            )
        if _blank(values):
            continue
        by_name = {name: values[index] if index < len(values) else None for name, index in columns.items()}
        letters = {name: get_column_letter(index + 1) for name, index in columns.items()}
        found.append(Row(sheet, number, by_name, letters))
    return found


def _header(sheet: str, header: list[Any], tables: Tables) -> dict[str, int]:
    known = SHEETS[sheet]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if _blank([name]):
            continue
        label = str(name).strip()
        ref = f"{sheet}!{get_column_letter(index + 1)}1"
        if label not in known:
            tables.problem(ref, f"unknown column '{label}'; the {sheet} sheet's columns are {', '.join(known)}")
        elif label in columns:
            tables.problem(ref, f"the column '{label}' appears twice; keep one")
        else:
            columns[label] = index
    width = max((index + 1 for index, name in enumerate(header) if not _blank([name])), default=0)
    for name in REQUIRED_COLUMNS[sheet]:
        if name not in columns:
            tables.problem(
                f"{sheet}!{get_column_letter(width + 1)}1",
                f"the {sheet} sheet has no column '{name}'; its columns are {', '.join(known)}",
            )
    return columns


def _blank(values: Iterable[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)
