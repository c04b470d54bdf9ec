"""One line of plain text for each event, for the timeline, the exports and the report."""

from typing import Any


def actor_name(actor: dict[str, Any]) -> str:
    if actor.get("team"):
        return f"{actor['team']} ({actor.get('player', '')})"
    if actor.get("user"):
        return str(actor["user"])
    return "system"


def _words(key: str) -> str:
    return key.replace("_", " ")


def describe(event: dict[str, Any]) -> str:
    data, kind = event["data"], event["kind"]
    family = kind.split(".")[0]
    said = f": {data['text']}" if data.get("text") else ""
    if family == "exercise":
        return f"Exercise {data.get('status', '')}, speed {data.get('speed', 1):g}×"
    if kind == "inject.released":
        return f"Inject {data['key']} “{data['title']}” ({data.get('severity', '')}) to {', '.join(data['to'])}"
    if kind == "inject.skipped":
        return f"Inject {data['key']} “{data['title']}” skipped: {data.get('reason', '')}"
    if family == "hotline":
        speaker = event["actor"].get("team")
        if kind == "hotline.message" and speaker:
            listener = data["to"] if speaker == data["from"] else data["from"]
            return f"Hotline {speaker} → {listener}{said}"
        return f"Hotline {data['from']} – {data['to']} {kind.split('.')[1]}{said}"
    if family in ("dialogue", "statement"):
        where = data.get("title") or f"dialogue {data.get('dialogue')}"
        return f"{actor_name(event['actor'])} in {where}, {kind.split('.')[1]}{said}"
    if family == "jointop":
        text = f"{_words(data['kind'])} proposed by {data['proposer']} with {', '.join(data['partners'])}"
        if kind == "jointop.adjudicated":
            return f"{text}: {data['outcome']}. {data.get('narrative') or ''}".strip()
        if kind == "jointop.proposed":
            return f"{text}: {data.get('objective', '')}"
        return f"{text}, {kind.split('.')[1]}"
    if kind == "action.taken":
        return f"{data['team']} {_words(data['kind'])} (rung {data['escalation']}){said}"
    if kind == "report.submitted":
        return f"{data['team']} situation report on {data['inject']}{said}"
    if family == "expectation":
        who = data.get("team") or data.get("met_by") or "/".join(data.get("teams", []))
        return f"Expectation {data['expectation']} {kind.split('.')[1]} for {who}: {data['points']} points"
    if kind == "rating.given":
        return f"{data['evaluator']} rated {data['team']} {data['value']} on {data['objective']}{said}"
    if kind == "note.added":
        about = f" on {data['team']}" if data.get("team") else ""
        return f"Note by {data.get('author', '')}{about}{said}"
    return f"{actor_name(event['actor'])} {kind}{said}"
