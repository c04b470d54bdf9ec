"""How one cell writes a value the document writes as a list, a trigger or a mapping, and
reads it back: forms a person can type into a spreadsheet cell.

- team lists: ``all`` or keys separated by commas, ``ARC, BOR``;
- lines (a brief's interests and red lines): one entry per line of the cell;
- triggers: ``after I1``, ``met E1`` or ``missed E1``, with an optional delay: ``after I1 +2m``;
- an expectation's ``where``: one ``field=value`` per line, or a JSON object when a value is
  a number or a yes/no, which the line form would turn into text.
"""

import datetime
import json
import re
from typing import Any

from exercise.document_checks import TRIGGER_TYPES

_TRIGGER = re.compile(r"^\s*(after|met|missed)\s+(\S+)\s*(?:\+\s*(\S+)\s*)?$", re.IGNORECASE)
TRIGGER_FORM = "write after I1, met E1 or missed E1, with an optional delay such as after I1 +5m"


def as_text(value: Any) -> str | None:
    """A cell as text, None when blank. A number typed where text belongs (a key such as 1)
    is the text a person sees in the cell, not a problem."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def as_duration(value: Any) -> Any:
    """A duration cell: text such as 5m, or a time of day a spreadsheet made of 0:05."""
    if isinstance(value, datetime.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return as_text(value) if not isinstance(value, int | float) or isinstance(value, bool) else value


def as_number(value: Any) -> Any:
    """A number cell; text that spells a number counts as one, other text stays for the
    validator to refuse by name."""
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if re.fullmatch(r"[+-]?\d*\.\d+", text):
            return float(text)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def team_list_text(value: str | list[str]) -> str:
    return value if value == "all" else ", ".join(value)


def read_team_list(text: str | None) -> str | list[str]:
    if text is None:
        return []
    if text.strip().lower() == "all":
        return "all"
    return [key for key in re.split(r"[,\s]+", text) if key]


def words_text(words: list[str]) -> str:
    return ", ".join(words)


def read_words(text: str | None) -> list[str] | None:
    """Words separated by commas or spaces; None for a blank cell (no field at all)."""
    if text is None:
        return None
    return [word for word in re.split(r"[,\s]+", text) if word]


def lines_text(lines: list[str]) -> str:
    return "\n".join(lines)


def read_lines(text: str | None) -> list[str]:
    return [line for line in (text or "").split("\n") if line.strip()]


def trigger_text(written: dict[str, Any]) -> str:
    """A trigger as the document writes it (``{after: I1, delay: 2m}``) in one line."""
    kind = next(t for t in TRIGGER_TYPES if t in written)
    delay = f" +{written['delay']}" if written.get("delay") else ""
    return f"{kind} {written[kind]}{delay}"


def read_trigger(text: str) -> dict[str, Any] | None:
    """The document's form of a trigger cell, None when the cell is not a trigger."""
    match = _TRIGGER.match(text)
    if not match:
        return None
    trigger: dict[str, Any] = {match.group(1).lower(): match.group(2)}
    if match.group(3):
        trigger["delay"] = match.group(3)
    return trigger


def where_text(where: dict[str, Any]) -> str:
    def fits_a_line(field: str, value: Any) -> bool:
        plain = isinstance(value, str) and bool(field) and field == field.strip()
        return plain and "=" not in field and "\n" not in field + value and value == value.strip()

    if all(fits_a_line(str(k), v) for k, v in where.items()) and not str(next(iter(where), "")).startswith("{"):
        return "\n".join(f"{k}={v}" for k, v in where.items())
    return json.dumps(where, ensure_ascii=False)


def read_where(text: str | None) -> dict[str, Any] | str:
    """The constraints of a Where cell, or a sentence saying why they cannot be read."""
    if text is None or not text.strip():
        return {}
    if text.lstrip().startswith("{"):
        try:
            value = json.loads(text)
        except ValueError as exc:
            return f"is not a JSON object ({exc}); write one field=value per line, or a JSON object"
        return value if isinstance(value, dict) else 'must be a JSON object such as {"kind": "joint_patrol"}'
    where: dict[str, Any] = {}
    for line in read_lines(text):
        field, equals, value = line.partition("=")
        if not equals or not field.strip():
            return f"has the line '{line}', which is not field=value; write one field=value per line"
        if field.strip() in where:
            return f"names the field '{field.strip()}' twice"
        where[field.strip()] = value.strip()
    return where
