"""events.csv is written with string methods rather than the csv module: the same text."""

import csv
import io
import random

from facilitator import csv_text

CELLS = [
    "",
    "plain",
    " spaced ",
    "a,b",
    'say "hi"',
    '"',
    '""',
    "line\nbreak",
    "cr\ronly",
    "crlf\r\n",
    "tab\t",
    "“curly”",
]


def written_by_the_csv_module(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def test_cells_are_quoted_and_escaped_as_the_csv_module_does():
    rows = [[1, 2.5, None, *CELLS[i : i + 3]] for i in range(len(CELLS))]
    assert csv_text.lines(rows) == written_by_the_csv_module(rows)


def test_random_rows_are_written_as_the_csv_module_writes_them():
    pieces = ["a", " ", ",", '"', "\n", "\r", "\t", "'", "=", "é", "😀", "\u2028", "\x85", "\\"]
    rng = random.Random(17)
    rows = [
        ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(2, 5))]
        for _ in range(5000)
    ]
    assert csv_text.lines(rows) == written_by_the_csv_module(rows)
