"""The control cell's part of a scenario document: the personas it plays (everyone not at
the table) and the news wire's scripted media items.

A media item is due at a time or on a trigger, as an inject is, and goes out through the
same engine; it names the persona it is published by, its outlet.
"""

from typing import Any

from exercise.document_checks import ITEM_KEY, MAX_TEXT, Checker, missing_reference, written_schedule

PERSONA_FIELDS = ("key", "name", "role")
MEDIA_FIELDS = ("key", "at", "trigger", "persona", "headline", "body", "to")
# A cell message says who wrote it in `from`: "cell" or a team's key. A persona's key is
# neither, so that a thread never leaves a reader wondering which is which.
CELL = "cell"


def personas(check: Checker, value: Any, teams: set[str]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    found = []
    for index, item in enumerate(check.items(value, "personas", required=False)):
        path = f"personas[{index}]"
        obj = check.mapping(item, path, PERSONA_FIELDS)
        if obj is None:
            continue
        key = check.key(obj, path, ITEM_KEY, seen, "persona")
        if key in teams:
            check.problem(
                f"{path}.key", f"'{key}' is the key of a team; give the persona a key no team has, such as {key}-P"
            )
        elif key == CELL:
            check.problem(
                f"{path}.key", f"'{CELL}' stands for the control cell itself; choose another key, such as CELL-1"
            )
        found.append(
            {
                "key": key,
                "name": check.text(obj, "name", f"{path}.name", limit=120),
                "role": check.text(obj, "role", f"{path}.role", required=False, limit=120),
            }
        )
    return found


def media(check: Checker, value: Any, teams: set[str], persona_keys: set[str]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    items = []
    for index, entry in enumerate(check.items(value, "media", required=False)):
        path = f"media[{index}]"
        obj = check.mapping(entry, path, MEDIA_FIELDS)
        if obj is None:
            continue
        item: dict[str, Any] = {
            "key": check.key(obj, path, ITEM_KEY, seen, "media item"),
            "persona": check.text(obj, "persona", f"{path}.persona", limit=64),
            "headline": check.text(obj, "headline", f"{path}.headline"),
            "body": check.text(obj, "body", f"{path}.body", required=False, limit=MAX_TEXT),
            "to": check.team_keys(obj.get("to", "all"), f"{path}.to", teams),
        }
        if item["persona"] and item["persona"] not in persona_keys:
            check.problem(
                f"{path}.persona",
                f"unknown persona '{item['persona']}'; the personas are {', '.join(sorted(persona_keys)) or 'none'}",
            )
        item["at"], item["trigger"] = check.schedule(obj, path)
        items.append(item)
    return items


def media_triggers(check: Checker, scenario: dict[str, Any]) -> None:
    """A media item's trigger names an inject (`after`) or an expectation (`met`, `missed`)."""
    injects = {inject["key"] for inject in scenario["injects"]}
    expectations = {e["key"] for inject in scenario["injects"] for e in inject["expect"]}
    for index, item in enumerate(scenario["media"]):
        trigger = item["trigger"]
        if not trigger:
            continue
        path = f"media[{index}].trigger.{trigger['type']}"
        if trigger["type"] == "after" and trigger["ref"] not in injects:
            check.problem(path, missing_reference("inject", trigger["ref"], injects))
        elif trigger["type"] != "after" and trigger["ref"] not in expectations:
            check.problem(path, missing_reference("expectation", trigger["ref"], expectations))


def export_media(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": item["key"],
        **written_schedule(item),
        "persona": item["persona"],
        "headline": item["headline"],
        "body": item["body"],
        "to": item["to"],
    }
