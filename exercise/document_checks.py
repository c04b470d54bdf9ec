"""Reading the fields of a document (a scenario, so far), collecting its problems, and
writing the fields that are read in more than one place back.

Every reader records a problem with the path of the field it is about and carries on, so
that a writer sees every problem of a document at once.
"""

import re
from typing import Any

from exercise.durations import format_duration, parse_duration
from exercise.errors import Problem
from exercise.text_rules import unstorable

ITEM_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
TEAM_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$")
TRIGGER_TYPES = ("after", "met", "missed")
MAX_TEXT = 20_000


class Checker:
    """Collects problems while reading one document."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append({"path": path, "message": message})

    def mapping(self, value: Any, path: str, fields: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of fields")
            return None
        for name in value:
            if name not in fields:
                self.problem(
                    f"{path}.{name}" if path else str(name), f"unknown field; expected one of {', '.join(fields)}"
                )
        return value

    def items(self, value: Any, path: str, *, required: bool) -> list[Any]:
        if value is None:
            if required:
                self.problem(path, "is required and must list at least one entry")
            return []
        if not isinstance(value, list):
            self.problem(path, "must be a list")
            return []
        if required and not value:
            self.problem(path, "must list at least one entry")
        return value

    def text(self, obj: dict[str, Any], name: str, path: str, *, required: bool = True, limit: int = 200) -> str:
        return self.string(obj.get(name), path, required=required, limit=limit)

    def string(self, value: Any, path: str, *, required: bool = True, limit: int = 200) -> str:
        if value is None:
            if required:
                self.problem(path, "is required")
            return ""
        if not isinstance(value, str):
            self.problem(path, f"must be text, not {describe(value)}; put it in quotes")
            return ""
        if required and not value.strip():
            self.problem(path, "must not be empty")
        if unstorable(value):
            self.problem(path, "contains a NUL character or an unpaired surrogate, which cannot be stored")
        if len(value) > limit:
            self.problem(path, f"is {len(value)} characters long; the limit is {limit}")
        return value

    def key(self, obj: dict[str, Any], path: str, pattern: re.Pattern[str], seen: set[str], what: str) -> str:
        value = self.text(obj, "key", f"{path}.key", limit=64)
        if value and not pattern.match(value):
            self.problem(f"{path}.key", f"'{value}' is not a valid {what} key: use letters, digits, '-' or '_'")
        elif value in seen:
            self.problem(f"{path}.key", f"{what} key '{value}' is used twice")
        seen.add(value)
        return value

    def duration(self, obj: dict[str, Any], name: str, path: str, *, positive: bool = False) -> float | None:
        if obj.get(name) is None:
            self.problem(path, "is required: a duration such as 90m, 1h30m or 45s")
            return None
        try:
            seconds = parse_duration(obj[name])
        except ValueError as exc:
            self.problem(path, str(exc))
            return None
        if positive and seconds <= 0:
            self.problem(path, "must be longer than zero")
            return None
        return seconds

    def choice(self, obj: dict[str, Any], name: str, path: str, options: tuple[str, ...]) -> str:
        value = obj.get(name)
        if value is None:
            self.problem(path, f"is required; one of {', '.join(options)}")
            return ""
        if value not in options:
            self.problem(path, f"'{value}' is not one of {', '.join(options)}")
            return ""
        return str(value)

    def team_keys(self, value: Any, path: str, known: set[str], *, allow_empty: bool = False) -> str | list[str]:
        """``all`` or a list of known team keys."""
        if value == "all":
            return "all"
        if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
            self.problem(path, 'must be "all" or a list of team keys such as [ARC, BOR]')
            return []
        if not value and not allow_empty:
            self.problem(path, "must name at least one team")
        for index, key in enumerate(value):
            if key not in known:
                self.problem(
                    f"{path}[{index}]", f"unknown team key '{key}'; the teams are {', '.join(sorted(known)) or 'none'}"
                )
        if len(set(value)) != len(value):
            self.problem(path, "names a team twice")
        return list(value)

    def trigger(self, value: Any, path: str) -> dict[str, Any] | None:
        obj = self.mapping(value, path, (*TRIGGER_TYPES, "delay"))
        if obj is None:
            return None
        types = [t for t in TRIGGER_TYPES if t in obj]
        if len(types) != 1:
            self.problem(path, "needs exactly one of after: INJECT, met: EXPECTATION or missed: EXPECTATION")
            return None
        ref = obj[types[0]]
        if not isinstance(ref, str) or not ref:
            self.problem(f"{path}.{types[0]}", "must be a key written as text")
            return None
        delay = self.duration(obj, "delay", f"{path}.delay") if obj.get("delay") is not None else 0.0
        return {"type": types[0], "ref": ref, "delay": delay or 0.0}

    def schedule(self, obj: dict[str, Any], path: str) -> tuple[float | None, dict[str, Any] | None]:
        """An item's ``at`` (a time such as 5m) or its ``trigger``: exactly one of them."""
        has_at, has_trigger = obj.get("at") is not None, obj.get("trigger") is not None
        if has_at == has_trigger:
            self.problem(path, "needs exactly one of `at` (a time such as 5m) or `trigger`")
            return None, None
        if has_at:
            return self.duration(obj, "at", f"{path}.at"), None
        return None, self.trigger(obj["trigger"], f"{path}.trigger")


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the yes/no value {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def written_schedule(item: dict[str, Any]) -> dict[str, Any]:
    """An item's ``at`` or ``trigger`` (as ``Checker.schedule`` reads them) as a document writes them."""
    trigger = item["trigger"]
    if not trigger:
        return {"at": format_duration(item["at"])}
    written = {trigger["type"]: trigger["ref"]}
    if trigger["delay"]:
        written["delay"] = format_duration(trigger["delay"])
    return {"trigger": written}
