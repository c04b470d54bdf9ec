"""The joint statements of an exercise as the review prints them: each adopted text with
its signatories, their reservations and the history of the text, read from the log."""

from typing import Any

from exercise.catalogue import actor_name

TEXT_KINDS = ("statement.proposed", "statement.amended")


def joint_statements(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every statement adopted in the log, in the order of adoption."""
    versions: dict[int, list[dict[str, Any]]] = {}
    adopted = []
    for event in events:
        data = event["data"]
        if event["kind"] in TEXT_KINDS:
            versions.setdefault(data["statement"], []).append(
                {
                    "version": data.get("version", 1),  # events logged before amendments carry none
                    "text": data["text"],
                    "by": actor_name(event["actor"]),
                    "team": event["actor"].get("team"),
                    "amended": event["kind"] == "statement.amended",
                    "exercise_time": event["exercise_time"],
                    "seq": event["seq"],
                }
            )
        elif event["kind"] == "statement.adopted":
            adopted.append(
                {
                    "statement": data["statement"],
                    "dialogue": data["dialogue"],
                    "title": data["title"],
                    "text": data["text"],
                    "signatories": data["endorsed_by"],
                    "reservations": data.get("reservations") or {},
                    "adopted_at": event["exercise_time"],
                    "seq": event["seq"],
                    "versions": versions.get(data["statement"], []),
                }
            )
    return adopted
