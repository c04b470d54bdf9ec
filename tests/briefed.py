"""A four-state scenario where every state has a national brief, for the tests of briefs
and of national and regional results: each brief's every line carries a marker of its own
team, so a test can tell whose brief a page or an answer leaks."""

from typing import Any

from django.test import Client

from exercise import exercises, injects
from exercise.models import Exercise
from tests import builders

TEAMS = ("A", "B", "C", "D")
API = "/api/v1"
READ_AHEAD = "### The road to the crisis\n\nFor *months* the four states have argued.\n\n<script>alert('x')</script>\n"


def secrets(team: str) -> list[str]:
    """Every text of the team's brief."""
    low = team.lower()
    return [f"{low}-summary-secret", f"{low}-interest-secret", f"{low}-red-line-secret", f"{low}-objective-secret"]


def brief(team: str) -> dict[str, Any]:
    summary, interest, red_line, objective = secrets(team)
    return {
        "summary": f"**{summary}**: the situation as State {team} sees it.",
        "interests": [interest],
        "red_lines": [red_line],
        "objectives": [{"key": f"{team}-1", "text": objective}],
    }


def expect(key: str, team: str, event: str, points: int, objective: str | None, where=None) -> dict[str, Any]:
    entry = {"key": key, "each": [team] if team != "all" else "all", "event": event, "within": "15m", "points": points}
    if where:
        entry["where"] = where
    if objective:
        entry["objective"] = objective
    return entry


# One expectation per state serving its own national objective, and one regional one for all.
INJECTS = [
    {
        "key": "I1",
        "at": "5m",
        "title": "Shots across the border",
        "kind": "border_tension",
        "severity": "high",
        "to": "all",
        "body": "Every state hears the shots.",
        "expect": [
            expect("EA", "A", "hotline.requested", 7, "A-1"),
            expect("EB", "B", "action.taken", 4, "B-1", {"kind": "raise_alert"}),
            expect("EC", "C", "dialogue.convened", 6, "C-1"),
            expect("ED", "D", "report.submitted", 2, "D-1"),
            expect("ER", "all", "action.taken", 3, "O1", {"kind": "public_statement"}),
        ],
    }
]


def document(**changes: Any) -> dict[str, Any]:
    teams = [{"key": key, "name": f"State {key}", "brief": brief(key)} for key in TEAMS]
    return builders.document(teams=teams, read_ahead=READ_AHEAD, injects=INJECTS, **changes)


def scenario(caller):
    return builders.scenario(caller, **{k: v for k, v in document().items() if k != "key"})


def play(exercise: Exercise, facilitator: builders.Staff, tokens: dict[str, str]) -> None:
    """A calls B (A-1 met), B raises its alert (B-1 met), A and D make public statements
    (the regional ER met by both), D reports (D-1 met); C does nothing; then the end."""
    api = builders.ApiClient(Client())
    base = f"{API}/exercises/{exercise.pk}"
    staff = facilitator.caller
    exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="start")
    injects.release_now(caller=staff, exercise_id=exercise.pk, key="I1")
    moves = [
        ("A", "/hotlines", {"to": "B"}),
        ("B", "/actions", {"kind": "raise_alert", "text": "B raises its alert."}),
        ("A", "/actions", {"kind": "public_statement", "text": "A calls for calm."}),
        ("D", "/actions", {"kind": "public_statement", "text": "D calls for calm."}),
        ("D", "/reports", {"inject": "I1", "text": "D has seen it."}),
    ]
    for team, path, body in moves:
        response = api.post(base + path, body, token=tokens[team])
        assert response.status_code == 201, response.content
    exercises.change_status(caller=staff, exercise_id=exercise.pk, transition="end")


# Worked out by hand from INJECTS and play(): (national, regional) per team.
EXPECTED_POINTS = {"A": (7, 3), "B": (4, 0), "C": (0, 0), "D": (2, 3)}
