"""CSV text as the csv module's default dialect writes it, made with string methods.

csv.writer copies every character through a buffer of its own: for events.csv at 20,000
events (11 MB) that was 0.23 s of the export, this 0.09 s (bench/review). The rules are
the default dialect's: a cell holding a comma, a double quote, a carriage return or a
line feed is quoted, its double quotes doubled; None is an empty cell, any other value
its ``str``; lines end in CRLF. A row of one empty cell, which the csv module writes as
``""``, is not made here: every row has several cells (tests/review/test_csv_text.py).
"""

from collections.abc import Iterable
from typing import Any


def cell(value: Any) -> str:
    text = value if type(value) is str else "" if value is None else str(value)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def lines(rows: Iterable[list[Any]]) -> str:
    """The rows as CSV lines, each ending in CRLF."""
    return "".join([",".join([cell(value) for value in row]) + "\r\n" for row in rows])
