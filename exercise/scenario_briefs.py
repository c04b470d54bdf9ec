"""The parts of a scenario document that make the teams' interests diverge: the read-ahead
every team is given, and each team's national brief, which only that team and the staff
ever see.

A brief's objectives are national: they share one key space with the scenario's own
objectives, so that an expectation names either kind the same way, and one that serves a
national objective may concern that team alone.
"""

from typing import Any

from exercise.document_checks import ITEM_KEY, MAX_TEXT, Checker

BRIEF_FIELDS = ("summary", "interests", "red_lines", "objectives")
LINE_LIMIT = 500
LIST_LIMIT = 20


def read_ahead(check: Checker, top: dict[str, Any]) -> str:
    return check.text(top, "read_ahead", "read_ahead", required=False, limit=MAX_TEXT)


def brief(check: Checker, value: Any, path: str, objective_keys: set[str]) -> dict[str, Any] | None:
    """A team's brief in normal form, or None when the team has none."""
    if value is None:
        return None
    obj = check.mapping(value, path, BRIEF_FIELDS)
    if obj is None:
        return None
    return {
        "summary": check.text(obj, "summary", f"{path}.summary", required=False, limit=MAX_TEXT),
        "interests": _lines(check, obj.get("interests"), f"{path}.interests"),
        "red_lines": _lines(check, obj.get("red_lines"), f"{path}.red_lines"),
        "objectives": _national_objectives(check, obj.get("objectives"), f"{path}.objectives", objective_keys),
    }


def _lines(check: Checker, value: Any, path: str) -> list[str]:
    lines = []
    entries = check.items(value, path, required=False)
    if len(entries) > LIST_LIMIT:
        check.problem(path, f"lists {len(entries)} entries; a brief keeps to at most {LIST_LIMIT} of each kind")
    for index, entry in enumerate(entries[:LIST_LIMIT]):
        lines.append(check.string(entry, f"{path}[{index}]", limit=LINE_LIMIT))
    return lines


def _national_objectives(check: Checker, value: Any, path: str, seen: set[str]) -> list[dict[str, Any]]:
    objectives = []
    for index, item in enumerate(check.items(value, path, required=False)):
        item_path = f"{path}[{index}]"
        obj = check.mapping(item, item_path, ("key", "text"))
        if obj is not None:
            key = check.key(obj, item_path, ITEM_KEY, seen, "objective")
            objectives.append({"key": key, "text": check.text(obj, "text", f"{item_path}.text", limit=2000)})
    return objectives


def national_owners(teams: list[dict[str, Any]]) -> dict[str, str]:
    """Each national objective's key, mapped to the key of the team whose brief holds it."""
    return {o["key"]: team["key"] for team in teams if team.get("brief") for o in team["brief"]["objectives"]}


def check_objective_team(check: Checker, expectation: dict[str, Any], path: str, owner: str) -> None:
    """An expectation that serves a team's national objective concerns that team alone."""
    if expectation["teams"] != [owner]:
        found = "every team the inject goes to" if expectation["teams"] == "all" else ", ".join(expectation["teams"])
        check.problem(
            f"{path}.objective",
            f"'{expectation['objective']}' is a national objective of {owner}, so the expectation must concern "
            f"{owner} alone (`{expectation['mode']}: [{owner}]`); it concerns {found or 'no team'}",
        )


def export_team(team: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"key": team["key"], "name": team["name"]}
    if team.get("brief"):
        entry["brief"] = team["brief"]
    return entry


def brief_shape(team: str, brief: dict[str, Any] | None) -> dict[str, Any]:
    """A team's brief as the API answers it: the same shape, with empty values, without one."""
    brief = brief or {}
    return {
        "team": team,
        "summary": brief.get("summary", ""),
        "interests": list(brief.get("interests", [])),
        "red_lines": list(brief.get("red_lines", [])),
        "objectives": [{"key": o["key"], "text": o["text"]} for o in brief.get("objectives", [])],
    }
