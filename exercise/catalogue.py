"""The event catalogue: every kind of event the log holds, declared once.

A kind's entry is all the product knows about it: the schema of its data, who sees it,
the sentence it reads as (the live feed, the review timeline, the PDF and the CSV all use
`sentence`), how it moves trust and the escalation ladder, which teams it puts in touch,
whether the printed report lists it as a move, and the consoles that draw it
(the drawing itself is `static/js/drawings.js`, keyed by kind; a test holds the two
together). Adding an instrument starts here; docs/instruments.md walks through the rest.

Everything here reads an event as a plain envelope-like mapping (`kind`, `actor`,
`data`, ...), so the live engine, the recompute and the review share it.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from exercise import event_data as d
from exercise.durations import format_duration
from exercise.models.events import Event
from exercise.steps import CONFIDENCE_MEASURES, action_done

Envelope = Mapping[str, Any]
# (rule, truster, trusted): one movement of the trust matrix; the rule names its weight.
TrustMove = tuple[str, str, str]
# (speaker, listener, instrument): two teams put in touch, for the review's network chart.
Contact = tuple[str, str, str]

EVERYONE, TEAMS, STAFF = Event.Audience.EVERYONE, Event.Audience.TEAMS, Event.Audience.STAFF
BOTH_CONSOLES = ("team", "room")
CONTROL_ROOM = ("room",)


@dataclass(frozen=True)
class Kind:
    name: str
    data: type[d.EventData]
    audience: str  # who sees it, in words, for people and the event-kinds listing
    audiences: frozenset[str]  # the Event.Audience values an event of this kind may have
    says: Callable[[Envelope], str]
    trust: Callable[[Envelope, list[str]], list[TrustMove]]
    contacts: Callable[[Envelope], list[Contact]]
    key_move: bool  # listed among the moves of the printed report (the rest stay in the CSV)
    consoles: tuple[str, ...]  # the consoles whose drawing shows it: "team", "room"

    def json_schema(self) -> dict[str, Any]:
        return self.data.model_json_schema(by_alias=True)


# Sentences -------------------------------------------------------------------------------


def actor_name(actor: Mapping[str, Any]) -> str:
    if actor.get("team"):
        return f"{actor['team']} ({actor.get('player', '')})"
    if actor.get("user"):
        return str(actor["user"])
    return "system"


def _words(key: str) -> str:
    return key.replace("_", " ")


def _said(data: Mapping[str, Any]) -> str:
    return f": {data['text']}" if data.get("text") else ""


def _verb(event: Envelope) -> str:
    return str(event["kind"]).split(".")[1]


def _clock(event: Envelope) -> str:
    return f"Exercise {event['data']['status']}, speed {event['data']['speed']:g}×"


def _inject_released(event: Envelope) -> str:
    data = event["data"]
    return f"Inject {data['key']} “{data['title']}” ({data['severity']}) to {', '.join(data['to'])}"


def _inject_scheduled(event: Envelope) -> str:
    data = event["data"]
    fired = {"after": f"after {data['ref']}", "met": f"{data['ref']} met", "missed": f"{data['ref']} missed"}
    delay = f" + {format_duration(data['delay'])}" if data["delay"] else ""
    return (
        f"Inject {data['key']} “{data['title']}” due at {format_duration(round(data['due_at']))}"
        f" ({fired[data['trigger']]}{delay})"
    )


def _hotline(event: Envelope) -> str:
    data = event["data"]
    return f"Hotline {data['from']} – {data['to']} {_verb(event)}"


def _listener(event: Envelope) -> str:
    """The other end of a hotline message: the sender is the actor, while `from` and `to`
    are the line's caller and callee."""
    data = event["data"]
    return str(data["to"] if event["actor"].get("team") == data["from"] else data["from"])


def _hotline_message(event: Envelope) -> str:
    return f"Hotline {event['actor'].get('team', '')} → {_listener(event)}{_said(event['data'])}"


def _outage(event: Envelope) -> str:
    teams = " – ".join(event["data"]["teams"])
    return f"Hotline {teams} {'cut' if event['kind'] == 'hotline.cut' else 'restored'}"


def _meeting(event: Envelope) -> str:
    data = event["data"]
    return f"{actor_name(event['actor'])} in {data['title']}, {_verb(event)}{_said(data)}"


def _reservations(data: Mapping[str, Any]) -> str:
    reserved = data.get("reservations") or {}  # absent from events logged before reservations
    return "".join(f" Reservation of {team}: {text}" for team, text in reserved.items())


def _endorsement(event: Envelope) -> str:
    data = event["data"]
    reservation = f" Reservation: {data['reservation']}" if data.get("reservation") else ""
    return f"{_meeting(event)}{reservation}"


def _amendment(event: Envelope) -> str:
    data = event["data"]
    amended = f"{actor_name(event['actor'])} in {data['title']}, amended the statement"
    return f"{amended} (version {data['version']}){_said(data)}"


def _adoption(event: Envelope) -> str:
    data = event["data"]
    signed = f"Joint statement adopted in {data['title']} by {', '.join(data['endorsed_by'])}"
    return f"{signed}{_said(data)}{_reservations(data)}"


def _operation(event: Envelope) -> str:
    data = event["data"]
    text = f"{_words(data['kind'])} proposed by {data['proposer']} with {', '.join(data['partners'])}"
    if event["kind"] == "jointop.adjudicated":
        return f"{text}: {data['outcome']}. {data.get('narrative') or ''}".strip()
    if event["kind"] == "jointop.proposed":
        return f"{text}: {data['objective']}"
    return f"{text}, {_verb(event)} by {data['by']}"


def _action(event: Envelope) -> str:
    data = event["data"]
    measure = ", a confidence-building measure" if data["kind"] in CONFIDENCE_MEASURES else ""
    # The rung the move reached, by number and name (the name as the log recorded it).
    rung = f"(rung {data['escalation']} · {data['rung']})"
    return f"{data['team']} {action_done(data['kind'])}{measure} {rung}{_said(data)}"


def _expectation(event: Envelope) -> str:
    data = event["data"]
    who = data.get("team") or data.get("met_by") or "/".join(data["teams"])
    if not data.get("restraint"):
        return f"Expectation {data['expectation']} {_verb(event)} for {who}: {data['points']} points"
    if data.get("broken_by"):
        why = f", broken by {data['broken_by']} (event {data['decided_by']})"
    else:
        why = ", nothing it forbids done in the window"
    return f"Restraint {data['expectation']} {_verb(event)} for {who}{why}: {data['points']} points"


def _rating(event: Envelope) -> str:
    data = event["data"]
    note = f": {data['note']}" if data.get("note") else ""
    return f"{data['evaluator']} rated {data['team']} {data['value']} on {data['objective']}{note}"


def _note(event: Envelope) -> str:
    data = event["data"]
    about = f" on {data['team']}" if data.get("team") else ""
    return f"Note by {data['author']}{about}{_said(data)}"


def _cell_message(event: Envelope) -> str:
    data = event["data"]
    persona = data["persona_name"]
    if data["from"] == "cell":
        return f"Control cell as {persona} → {', '.join(data['to'])}{_said(data)}"
    to = f"{persona} (control cell)" if persona else "the control cell"
    return f"{actor_name(event['actor'])} → {to}{_said(data)}"


def _media(event: Envelope) -> str:
    data = event["data"]
    if data["source"] == "team":
        return f"News wire {data['key']}: public statement by {data['persona_name']}: {data['body']}"
    return f"News wire {data['key']} from {data['persona_name']}: “{data['headline']}” to {', '.join(data['to'])}"


# Trust -------------------------------------------------------------------------------------
# Which pairs an event moves, and by which rule; scoring/trust.py weighs the rules.


def no_trust(event: Envelope, teams: list[str]) -> list[TrustMove]:
    return []


def _call_trust(event: Envelope, teams: list[str]) -> list[TrustMove]:
    data, kind = event["data"], event["kind"]
    if kind == "hotline.requested":
        return [(kind, data["to"], data["from"])]  # the callee's trust in the caller
    return [(kind, data["from"], data["to"])]  # the caller's trust in the callee


def _signatories_trust(event: Envelope, teams: list[str]) -> list[TrustMove]:
    signatories = event["data"]["endorsed_by"]
    return [(event["kind"], a, b) for a in signatories for b in signatories if a != b]


def _answer_trust(event: Envelope, teams: list[str]) -> list[TrustMove]:
    return [(event["kind"], event["data"]["proposer"], event["data"]["by"])]


def _outcome_trust(event: Envelope, teams: list[str]) -> list[TrustMove]:
    data = event["data"]
    joined = [data["proposer"]] + [k for k, answer in data["answers"].items() if answer == "accepted"]
    return [(f"jointop.{data['outcome']}", a, b) for a in joined for b in joined if a != b]


def _action_trust(event: Envelope, teams: list[str]) -> list[TrustMove]:
    actor = event["data"]["team"]
    return [(f"action.{event['data']['kind']}", other, actor) for other in teams if other != actor]


# Contacts ------------------------------------------------------------------------------------


def no_contacts(event: Envelope) -> list[Contact]:
    return []


def _line_contact(event: Envelope) -> list[Contact]:
    speaker = event["actor"].get("team")
    return [(speaker, _listener(event), "hotline")] if speaker else []


def _meeting_contacts(event: Envelope) -> list[Contact]:
    speaker = event["actor"].get("team")
    if not speaker:
        return []
    return [(speaker, other, "dialogue") for other in event["data"]["participants"] if other != speaker]


def _proposal_contacts(event: Envelope) -> list[Contact]:
    data = event["data"]
    return [(data["proposer"], partner, "joint operation") for partner in data["partners"]]


def _answer_contact(event: Envelope) -> list[Contact]:
    return [(event["data"]["by"], event["data"]["proposer"], "joint operation")]


# The ladder --------------------------------------------------------------------------------


def rung_of(event: Envelope) -> tuple[str, int] | None:
    """The team and the rung it stands on after this event, for the one kind that moves a
    team on the escalation ladder."""
    if event["kind"] != "action.taken":
        return None
    return event["data"]["team"], int(event["data"]["escalation"])


# The catalogue -------------------------------------------------------------------------------


def _kind(
    name: str,
    data: type[d.EventData],
    audience: str,
    audiences: tuple[str, ...],
    says: Callable[[Envelope], str],
    trust: Callable[[Envelope, list[str]], list[TrustMove]] = no_trust,
    *,
    contacts: Callable[[Envelope], list[Contact]] = no_contacts,
    key_move: bool = False,
    consoles: tuple[str, ...] = BOTH_CONSOLES,
) -> Kind:
    return Kind(name, data, audience, frozenset(audiences), says, trust, contacts, key_move, consoles)


_ALL = "everyone"
_STAFF = "staff"
_INVOLVED = "the teams involved"

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        _kind("exercise.started", d.ClockData, _ALL, (EVERYONE,), _clock, key_move=True),
        _kind("exercise.paused", d.ClockData, _ALL, (EVERYONE,), _clock, key_move=True),
        _kind("exercise.resumed", d.ClockData, _ALL, (EVERYONE,), _clock, key_move=True),
        _kind("exercise.speed_changed", d.SpeedData, _ALL, (EVERYONE,), _clock),
        _kind("exercise.ended", d.ClockData, _ALL, (EVERYONE,), _clock, key_move=True),
        _kind(
            "inject.released",
            d.InjectReleasedData,
            "the teams in its `to` (everyone when sent to all)",
            (EVERYONE, TEAMS),
            _inject_released,
            key_move=True,
        ),
        _kind(
            "inject.skipped",
            d.InjectSkippedData,
            _STAFF,
            (STAFF,),
            lambda e: f"Inject {e['data']['key']} “{e['data']['title']}” skipped: {e['data']['reason']}",
            key_move=True,
            consoles=CONTROL_ROOM,
        ),
        _kind(
            "inject.edited",
            d.InjectEditedData,
            _STAFF,
            (STAFF,),
            lambda e: f"Inject {e['data']['key']} edited: “{e['data']['title']}” ({e['data']['severity']})",
            consoles=CONTROL_ROOM,
        ),
        _kind("inject.scheduled", d.InjectScheduledData, _STAFF, (STAFF,), _inject_scheduled, consoles=CONTROL_ROOM),
        _kind(
            "report.submitted",
            d.ReportData,
            "the reporting team",
            (TEAMS,),
            lambda e: f"{e['data']['team']} situation report on {e['data']['inject']}{_said(e['data'])}",
        ),
        _kind("hotline.requested", d.HotlineData, _INVOLVED, (TEAMS,), _hotline, _call_trust),
        _kind("hotline.accepted", d.HotlineData, _INVOLVED, (TEAMS,), _hotline, _call_trust),
        _kind("hotline.declined", d.HotlineData, _INVOLVED, (TEAMS,), _hotline, _call_trust),
        _kind(
            "hotline.message",
            d.HotlineMessageData,
            _INVOLVED,
            (TEAMS,),
            _hotline_message,
            contacts=_line_contact,
        ),
        _kind("hotline.closed", d.HotlineData, _INVOLVED, (TEAMS,), _hotline),
        _kind("hotline.cut", d.OutageData, "the two teams whose line is cut", (TEAMS,), _outage, key_move=True),
        _kind("hotline.restored", d.OutageData, "the two teams whose line is cut", (TEAMS,), _outage, key_move=True),
        _kind("dialogue.convened", d.DialogueData, "the participants", (TEAMS,), _meeting),
        _kind(
            "dialogue.message",
            d.DialogueMessageData,
            "the participants",
            (TEAMS,),
            _meeting,
            contacts=_meeting_contacts,
        ),
        _kind(
            "statement.proposed",
            d.StatementData,
            "the dialogue's participants",
            (TEAMS,),
            _meeting,
            contacts=_meeting_contacts,
        ),
        _kind("statement.endorsed", d.StatementEndorsedData, "the dialogue's participants", (TEAMS,), _endorsement),
        # An amendment moves no trust: it is bargaining, and what it leads to (an adoption,
        # or none) is what the signatories' trust follows.
        _kind(
            "statement.amended",
            d.StatementAmendedData,
            "the dialogue's participants",
            (TEAMS,),
            _amendment,
            contacts=_meeting_contacts,
        ),
        _kind(
            "statement.adopted",
            d.StatementData,
            "the dialogue's participants",
            (TEAMS,),
            _adoption,
            _signatories_trust,
        ),
        _kind(
            "jointop.proposed",
            d.OperationData,
            "the proposer and the partners",
            (TEAMS,),
            _operation,
            contacts=_proposal_contacts,
            key_move=True,
        ),
        _kind(
            "jointop.accepted",
            d.OperationAnswerData,
            "the proposer and the partners",
            (TEAMS,),
            _operation,
            _answer_trust,
            contacts=_answer_contact,
        ),
        _kind(
            "jointop.declined",
            d.OperationAnswerData,
            "the proposer and the partners",
            (TEAMS,),
            _operation,
            _answer_trust,
            contacts=_answer_contact,
        ),
        _kind(
            "jointop.adjudicated",
            d.OperationData,
            "the proposer and the partners",
            (TEAMS,),
            _operation,
            _outcome_trust,
            key_move=True,
        ),
        # An action is a key move when it moves its team on the ladder (review.report).
        _kind("action.taken", d.ActionData, _ALL, (EVERYONE,), _action, _action_trust, key_move=True),
        _kind(
            "cell.message",
            d.CellMessageData,
            "the teams in its `to`: those the cell wrote to, or the team that wrote",
            (TEAMS,),
            _cell_message,
        ),
        _kind(
            "media.published",
            d.MediaData,
            "the teams in its `to` (everyone when sent to all)",
            (EVERYONE, TEAMS),
            _media,
            key_move=True,
        ),
        _kind(
            "expectation.met", d.ExpectationData, _STAFF, (STAFF,), _expectation, key_move=True, consoles=CONTROL_ROOM
        ),
        _kind(
            "expectation.missed",
            d.ExpectationData,
            _STAFF,
            (STAFF,),
            _expectation,
            key_move=True,
            consoles=CONTROL_ROOM,
        ),
        _kind("rating.given", d.RatingData, _STAFF, (STAFF,), _rating, consoles=CONTROL_ROOM),
        _kind("note.added", d.NoteData, _STAFF, (STAFF,), _note, consoles=CONTROL_ROOM),
    )
}


def kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown event kind {name}") from None


def sentence(event: Envelope) -> str:
    """The one line an event reads as, wherever people read the log."""
    return kind(event["kind"]).says(event)


def trust_moves(event: Envelope, teams: list[str]) -> list[TrustMove]:
    return kind(event["kind"]).trust(event, teams)


def contacts(event: Envelope) -> list[Contact]:
    return kind(event["kind"]).contacts(event)


def is_key_move(event: Envelope) -> bool:
    return kind(event["kind"]).key_move


def checked_data(name: str, data: d.EventData, audience: str) -> dict[str, Any]:
    """The data as stored, if it is this kind's schema and the audience one it allows."""
    entry = kind(name)
    if type(data) is not entry.data:
        raise TypeError(f"{name} takes {entry.data.__name__}, not {type(data).__name__}")
    if audience not in entry.audiences:
        raise ValueError(f"{name} is for {entry.audience}, not audience {audience!r}")
    return data.as_json()


def families() -> list[str]:
    """The families of kinds (``hotline`` for ``hotline.*``), in the catalogue's order."""
    return list(dict.fromkeys(name.split(".")[0] for name in KINDS))


def listing() -> list[dict[str, Any]]:
    """Every kind as `GET /api/v1/event-kinds` lists it."""
    return [
        {"kind": k.name, "audience": k.audience, "schema": k.json_schema(), "consoles": list(k.consoles)}
        for k in KINDS.values()
    ]
