"""Reading an archive's JSON: each value checked for its type, a problem named by its path."""

import datetime
import json
from typing import Any

from exercise.errors import Invalid
from exercise.text_rules import unstorable_paths


def problem(path: str, message: str) -> Invalid:
    return Invalid(f"The archive is not as it was written: {path}: {message}.", [{"path": path, "message": message}])


def parsed(raw: bytes, path: str) -> Any:
    """A JSON document of the archive, refused when it holds text no database can store."""
    try:
        value = json.loads(raw.decode())
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise problem(path, f"not readable JSON ({exc})") from exc
    for inner in unstorable_paths(value):
        raise problem(f"{path}/{inner}", "holds a NUL character or an unpaired surrogate")
    return value


def mapping(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise problem(path, "must be an object")
    return value


def listing(value: Any, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise problem(path, "must be a list")
    return value


def text(row: dict[str, Any], field: str, path: str, *, limit: int | None = None, empty: bool = True) -> str:
    value = row.get(field)
    if not isinstance(value, str) or (limit is not None and len(value) > limit) or (not empty and not value):
        raise problem(f"{path}/{field}", "must be text" + (f" of at most {limit} characters" if limit else ""))
    return value


def optional_text(row: dict[str, Any], field: str, path: str) -> str | None:
    return None if row.get(field) is None else text(row, field, path)


def number(row: dict[str, Any], field: str, path: str) -> float:
    value = row.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or abs(value) > 1e12:
        raise problem(f"{path}/{field}", "must be a number")
    return float(value)


def integer(row: dict[str, Any], field: str, path: str, *, low: int = 0, high: int = 2**62) -> int:
    value = row.get(field)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise problem(f"{path}/{field}", f"must be a whole number from {low} to {high}")
    return value


def optional_moment(row: dict[str, Any], field: str, path: str) -> datetime.datetime | None:
    return None if row.get(field) is None else moment(row, field, path)


def moment(row: dict[str, Any], field: str, path: str) -> datetime.datetime:
    value = row.get(field)
    try:
        at = datetime.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise problem(f"{path}/{field}", "must be a time with its offset, ISO 8601")
    return at


def optional_day(row: dict[str, Any], field: str, path: str) -> datetime.date | None:
    return None if row.get(field) is None else day(row, field, path)


def day(row: dict[str, Any], field: str, path: str) -> datetime.date:
    value = row.get(field)
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else _no_day(path, field)
    except ValueError:
        return _no_day(path, field)


def _no_day(path: str, field: str) -> datetime.date:
    raise problem(f"{path}/{field}", "must be a date, YYYY-MM-DD")
