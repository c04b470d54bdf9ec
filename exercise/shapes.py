"""The fields of each communications object as the API answers them."""

from collections.abc import Callable
from typing import Any

from exercise.models import (
    Action,
    CellMessage,
    Dialogue,
    ExerciseMedia,
    Hotline,
    HotlineOutage,
    JointOperation,
    Message,
    Report,
    Statement,
)
from exercise.scenario_cell import CELL


def hotline(obj: Hotline) -> dict[str, Any]:
    return {"id": obj.pk, "from": obj.caller.key, "to": obj.callee.key, "status": obj.status}


def message(obj: Message) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "hotline": obj.hotline_id,
        "dialogue": obj.dialogue_id,
        "from": obj.team.key if obj.team else None,
        "author": obj.author,
        "text": obj.text,
    }


def dialogue(obj: Dialogue) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "title": obj.title,
        "convener": obj.convener.key if obj.convener else None,
        "participants": [t.key for t in obj.participants.order_by("order")],
    }


def statement(obj: Statement) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "dialogue": obj.dialogue_id,
        "text": obj.text,
        "proposer": obj.proposer.key if obj.proposer else None,
        "endorsed_by": sorted(obj.endorsed_by.values_list("key", flat=True)),
        "adopted": obj.adopted_at is not None,
        "version": obj.version,
        "reservations": dict(sorted(obj.reservations.items())),
    }


def operation_state(obj: JointOperation) -> dict[str, Any]:
    """The operation as its events carry it."""
    partners = list(obj.partners.select_related("team"))
    return {
        "operation": obj.pk,
        "kind": obj.kind,
        "proposer": obj.proposer.key,
        "partners": [p.team.key for p in partners],
        "answers": {p.team.key: p.answer or None for p in partners},
        "objective": obj.objective,
        "status": obj.status,
        "outcome": obj.outcome or None,
        "narrative": obj.narrative or None,
    }


def operation(obj: JointOperation) -> dict[str, Any]:
    fields = operation_state(obj)
    return {"id": fields.pop("operation"), **fields}


def action(obj: Action) -> dict[str, Any]:
    return {"id": obj.pk, "team": obj.team.key, "kind": obj.kind, "text": obj.text, "escalation": obj.escalation}


def report(obj: Report) -> dict[str, Any]:
    return {"id": obj.pk, "inject": obj.inject_key, "team": obj.team.key, "text": obj.text}


def outage(obj: HotlineOutage) -> dict[str, Any]:
    return {"id": obj.pk, "teams": [obj.team_a.key, obj.team_b.key], "active": obj.ended_at is None}


def cell_message(obj: CellMessage) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "persona": obj.persona or None,
        "from": obj.team.key if obj.team else CELL,
        "to": obj.to,
        "author": obj.author,
        "text": obj.text,
    }


def media(obj: ExerciseMedia) -> dict[str, Any]:
    return {
        "id": obj.pk,
        "key": obj.key,
        "persona": obj.persona,
        "headline": obj.headline,
        "body": obj.body,
        "to": obj.to,
        "source": obj.source,
    }


# The answer of each command sent with a client_id, by the kind its receipt records.
BY_COMMAND: dict[str, Callable[[Any], dict[str, Any]]] = {
    "hotline": hotline,
    "hotline.message": message,
    "dialogue": dialogue,
    "dialogue.message": message,
    "statement": statement,
    "statement.endorse": statement,
    "statement.amend": statement,
    "jointop": operation,
    "action": action,
    "report": report,
    "cell.message": cell_message,
    "media": media,
}
