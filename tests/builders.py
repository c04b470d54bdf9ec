"""Small builders that set data up through the services, as a user would."""

import copy
import itertools
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.test import Client

from exercise import access, events, exercises, staffing
from exercise.event_data import EventData, InjectReleasedData, NoteData
from exercise.models import Event, Exercise, Player, Scenario, Team
from exercise.roles import STAFF_ROLES, Caller, Role, caller_for_player, caller_for_user, role_of_user
from exercise.scenarios import import_scenario
from exercise.staff import create_staff

_numbers = itertools.count(1)

DOCUMENT: dict[str, Any] = {
    "key": "karst-pass",
    "title": "Shots at Karst Pass",
    "summary": "A border post exchange of fire between two neighbours.",
    "duration": "2h",
    "objectives": [{"key": "O1", "text": "Establish military hotline contact within 15 minutes of an incident"}],
    "teams": [
        {"key": "ARC", "name": "Republic of Arcadia"},
        {"key": "BOR", "name": "Borealis Federation"},
        {"key": "CAL", "name": "Kingdom of Caldera"},
    ],
    "injects": [
        {
            "key": "I1",
            "at": "5m",
            "title": "Exchange of fire at Karst Pass border post",
            "kind": "border_tension",
            "severity": "high",
            "to": ["ARC", "BOR"],
            "body": "Markdown text shown to the teams.\n",
            "expect": [
                {
                    "key": "E1",
                    "each": ["ARC", "BOR"],
                    "event": "hotline.requested",
                    "within": "15m",
                    "points": 10,
                    "objective": "O1",
                }
            ],
        },
        {
            "key": "I2",
            "trigger": {"missed": "E1", "delay": "5m"},
            "title": "Second exchange of fire; casualties reported",
            "kind": "border_tension",
            "severity": "critical",
            "to": "all",
            "body": "Casualties are reported on both sides.",
        },
    ],
    "scoring": {"trust": {"hotline.accepted": 1, "hotline.declined": -1}},
}


# Briefs that pull two neighbours apart (document(teams=briefed_teams())): Arcadia's
# national objective ARC-1 and Borealis's BOR-1 can both be served only by one of them.
def briefed_teams() -> list[dict[str, Any]]:
    teams = copy.deepcopy(DOCUMENT["teams"])
    teams[0]["brief"] = {
        "summary": "Arcadia sees a provocation staged to test its resolve.",
        "interests": ["Keep the pass open to trade", "Avoid a second front in the east"],
        "red_lines": ["No foreign troops on Arcadian soil"],
        "objectives": [{"key": "ARC-1", "text": "Obtain a joint investigation of the incident"}],
    }
    teams[1]["brief"] = {
        "summary": "Borealis believes Arcadian patrols crossed first.",
        "interests": ["Have the incident recorded as an Arcadian incursion"],
        "red_lines": ["No investigation led by Arcadia"],
        "objectives": [{"key": "BOR-1", "text": "Keep the investigation under the regional forum"}],
    }
    return teams


# The control cell's cast, for scenarios that use it (document(personas=PERSONAS)).
PERSONAS: list[dict[str, str]] = [
    {"key": "UNSG", "name": "Office of the UN Secretary-General", "role": "international organisation"},
    {"key": "WIRE", "name": "Regional News Wire", "role": "press"},
]


def document(**changes: Any) -> dict[str, Any]:
    """A valid scenario document (a deep copy), with top-level fields replaced."""
    doc = copy.deepcopy(DOCUMENT)
    doc.update(changes)
    return doc


@dataclass
class Staff:
    user: Any
    password: str
    token: str

    @property
    def caller(self) -> Caller:
        return caller_for_user(self.user)


# Staff see only the exercises they are assigned to. Most tests are about something else
# and use staff as an upgraded install has them (every staff user on every exercise, in
# their account's role): staff() and exercise() assign so unless told not to, and a test
# of the assignments themselves makes its outsiders with assigned=False.


def staff(role: str, username: str | None = None, *, assigned: bool = True) -> Staff:
    user, password, token = create_staff(username=username or f"{role}{next(_numbers)}", role=Role(role))
    if assigned:
        for existing in Exercise.objects.all():
            staffing.ensure_assigned(exercise=existing, user=user, role=Role(role))
    return Staff(user=user, password=password, token=token)


def scenario(caller: Caller, **changes: Any) -> Scenario:
    changes.setdefault("key", f"scenario-{next(_numbers)}")
    return import_scenario(caller=caller, document=document(**changes))


def exercise(caller: Caller, scenario: Scenario, **options: Any) -> Exercise:
    """An exercise created by ``caller`` (its facilitator); with every staff user assigned
    in their account's role unless ``assign_staff=False``."""
    assign_staff = options.pop("assign_staff", True)
    options.setdefault("name", f"Exercise {next(_numbers)}")
    made = exercises.create_exercise(caller=caller, scenario=scenario, **options)
    if assign_staff:
        for user in get_user_model().objects.filter(groups__name__in=[r.value for r in STAFF_ROLES]):
            role = role_of_user(user)
            if role is not None:
                staffing.ensure_assigned(exercise=made, user=user, role=role)
    return made


@dataclass
class Joined:
    player: Player
    token: str

    @property
    def caller(self) -> Caller:
        return caller_for_player(self.player)


def player(team: Team, name: str = "Lt. Col. Reyes") -> Joined:
    joined, token = access.join_team(code=team.join_code, name=name)
    return Joined(player=joined, token=token)


def whole(response: HttpResponseBase) -> HttpResponseBase:
    """A streamed answer read to its end, as a client that waits for the whole body sees
    it (``content``, ``json()``); any other answer as it is. Tests of the streaming itself
    read ``streaming_content``."""
    if not isinstance(response, StreamingHttpResponse):
        return response
    body = b"".join(response.streaming_content)  # type: ignore[arg-type]
    read = HttpResponse(body, status=response.status_code, headers=dict(response.items()))
    read.json = lambda: json.loads(body)  # type: ignore[attr-defined]
    return read


class ApiClient:
    """Django's test client speaking the API's JSON with an optional bearer token."""

    def __init__(self, client: Client):
        self.client = client

    def _headers(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, token: str | None = None, **extra: Any):
        return whole(self.client.get(path, headers=self._headers(token), **extra))

    def post(self, path: str, body: Any = None, token: str | None = None, content_type: str = "application/json"):
        data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
        return self.client.post(path, data=data, content_type=content_type, headers=self._headers(token))


def logged(exercise: Exercise, n: int, team: Team | None = None) -> Event:
    """One event appended in its own transaction, as a command would: an inject for
    ``team``, or a staff note when no team is given."""
    if team is None:
        kind, audience = "note.added", Event.Audience.STAFF
        data: EventData = NoteData(text=f"Note {n}", team=None, author="Evaluator")
    else:
        kind, audience = "inject.released", Event.Audience.TEAMS
        data = InjectReleasedData(
            key=f"T{n}",
            title=f"Inject {n}",
            kind="other",
            severity="low",
            body="",
            body_html="",
            to=[team.key],
            due_at=None,
        )
    with transaction.atomic():
        return events.append(
            exercise=exercise, kind=kind, actor=None, data=data, audience=audience, recipients=[team] if team else []
        )
