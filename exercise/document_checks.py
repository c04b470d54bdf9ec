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
            self.problem(path, f"is {describe(value)}; it must be a mapping of fields, one of {', '.join(fields)}")
            return None
        for name in value:
            if name not in fields:
                self.problem(
                    f"{path}.{name}" if path else str(name),
                    f"unknown field '{name}'; the fields here are {', '.join(fields)}",
                )
        return value

    def items(self, value: Any, path: str, *, required: bool) -> list[Any]:
        if value is None:
            if required:
                self.problem(path, "is required and must list at least one entry")
            return []
        if not isinstance(value, list):
            self.problem(path, f"is {describe(value)}; it must be a list")
            return []
        if required and not value:
            self.problem(path, "is an empty list; it must list at least one entry")
        return value

    def text(self, obj: dict[str, Any], name: str, path: str, *, required: bool = True, limit: int = 200) -> str:
        return self.string(obj.get(name), path, required=required, limit=limit)

    def string(self, value: Any, path: str, *, required: bool = True, limit: int = 200) -> str:
        if value is None:
            if required:
                self.problem(path, f"is required: text of 1 to {limit} characters")
            return ""
        if not isinstance(value, str):
            self.problem(path, f"must be text, not {describe(value)}; put it in quotes")
            return ""
        if required and not value.strip():
            self.problem(path, f"is blank; it must be text of 1 to {limit} characters")
        if unstorable(value):
            self.problem(path, "contains a NUL character or an unpaired surrogate, which cannot be stored; remove it")
        if len(value) > limit:
            self.problem(path, f"is {len(value)} characters long; the limit is {limit}")
        return value

    def key(self, obj: dict[str, Any], path: str, pattern: re.Pattern[str], seen: set[str], what: str) -> str:
        value = self.text(obj, "key", f"{path}.key", limit=64)
        if value and not pattern.match(value):
            self.problem(
                f"{path}.key",
                f"'{value}' is not a valid {what} key: use up to {_longest(pattern)} letters, digits, '.', '-' "
                "or '_', starting with a letter or a digit",
            )
        elif value in seen:
            self.problem(f"{path}.key", f"{what} key '{value}' is used twice; give each {what} a key of its own")
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
            self.problem(path, f"is {format_duration(seconds)}; it must be longer than zero, such as 15m")
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

    def team_keys(
        self, value: Any, path: str, known: set[str], *, allow_empty: bool = False, scenario: set[str] | None = None
    ) -> str | list[str]:
        """``all`` or a list of known team keys. With ``scenario`` (all the scenario's teams),
        ``known`` are the teams an inject goes to, and a message tells the two apart."""
        if value == "all":
            return "all"
        if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
            found = describe(value) if not isinstance(value, list) else "a list with an entry that is not text"
            self.problem(path, f'is {found}; it must be "all" or a list of team keys such as [ARC, BOR]')
            return []
        if not value and not allow_empty:
            self.problem(path, 'is an empty list; name at least one team, or write "all"')
        for index, key in enumerate(value):
            if key not in known:
                self.problem(f"{path}[{index}]", _unknown_team(key, known, scenario))
        twice = sorted({key for key in value if value.count(key) > 1})
        if twice:
            self.problem(path, f"names {', '.join(repr(k) for k in twice)} more than once; name each team once")
        return list(value)

    def trigger(self, value: Any, path: str) -> dict[str, Any] | None:
        obj = self.mapping(value, path, (*TRIGGER_TYPES, "delay"))
        if obj is None:
            return None
        types = [t for t in TRIGGER_TYPES if t in obj]
        if len(types) != 1:
            found = f"has {' and '.join(types)}" if types else "has none of them"
            self.problem(
                path, f"{found}; it needs exactly one of after: INJECT, met: EXPECTATION or missed: EXPECTATION"
            )
            return None
        ref = obj[types[0]]
        if not isinstance(ref, str) or not ref:
            self.problem(f"{path}.{types[0]}", f"is {describe(ref)}; it must be a key written as text, such as I1")
            return None
        delay = self.duration(obj, "delay", f"{path}.delay") if obj.get("delay") is not None else 0.0
        return {"type": types[0], "ref": ref, "delay": delay or 0.0}

    def schedule(self, obj: dict[str, Any], path: str) -> tuple[float | None, dict[str, Any] | None]:
        """An item's ``at`` (a time such as 5m) or its ``trigger``: exactly one of them."""
        has_at, has_trigger = obj.get("at") is not None, obj.get("trigger") is not None
        if has_at == has_trigger:
            found = "has both `at` and `trigger`" if has_at else "has neither `at` nor `trigger`"
            self.problem(path, f"{found}; it needs exactly one: `at` (a time such as 5m) or `trigger`")
            return None, None
        if has_at:
            return self.duration(obj, "at", f"{path}.at"), None
        return None, self.trigger(obj["trigger"], f"{path}.trigger")


def _unknown_team(key: str, targets: set[str], scenario: set[str] | None) -> str:
    """Why a team key is refused: not a team at all, or a team the inject does not go to."""
    teams = scenario if scenario is not None else targets
    listed = ", ".join(sorted(teams)) or "none"
    if scenario is None or targets == scenario:
        return f"unknown team key '{key}'; the teams of the scenario are {listed}"
    goes_to = ", ".join(sorted(targets)) or "no team"
    if key in scenario:
        return f"'{key}' is a team of the scenario but this inject does not go to it; the inject goes to {goes_to}"
    return f"unknown team key '{key}': it is not a team of the scenario ({listed}); the inject goes to {goes_to}"


def missing_reference(what: str, ref: str, keys: set[str]) -> str:
    """A trigger's key that names nothing: what it named, and the keys it may name."""
    some = sorted(keys)
    listed = ", ".join(some[:30]) + (", …" if len(some) > 30 else "")
    return f"no {what} has the key '{ref}'; the {what}s are {listed or 'none'}"


def _longest(pattern: re.Pattern[str]) -> int:
    """The length a key pattern allows, from its ``{0,N}`` tail (one first character, then N)."""
    match = re.search(r"\{0,(\d+)\}", pattern.pattern)
    return int(match.group(1)) + 1 if match else 64


def describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, str):
        return f"the text '{value[:40]}'" if value else "empty text"
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
