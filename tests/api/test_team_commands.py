"""Team commands over HTTP with real tokens (API.md "Team commands"): each command's
answer and event, every refusal, text limits, idempotent client_id and the throttle."""

import pytest

from exercise import exercises, injects
from exercise.models import (
    Action,
    CommandReceipt,
    Dialogue,
    Event,
    Hotline,
    HotlineOutage,
    JointOperation,
    Message,
    Report,
    Statement,
)
from tests import builders

pytestmark = pytest.mark.django_db

API = "/api/v1"
# The error codes each status may carry (API.md Conventions; 409 covers both kinds of state).
CODES = {
    400: {"invalid"},
    401: {"not_authenticated"},
    403: {"forbidden"},
    404: {"not_found"},
    409: {"invalid_state", "conflict"},
    413: {"too_large"},
    429: {"rate_limited"},
}
# How far each action moves a team on its ladder of rungs 0..5 (the defaults in
# exercise/steps.py; the test scenario does not change them).
STEPS = {"raise_alert": 1, "lower_alert": -1, "deploy_forces": 1, "withdraw_forces": -1, "public_statement": 0}
TOP_RUNG = 5


class Game:
    """An exercise with one player in each team (and a second one in ARC), driven over HTTP."""

    def __init__(self, api, facilitator, exercise):
        self.api = api
        self.facilitator = facilitator
        self.exercise = exercise
        self.base = f"/exercises/{exercise.pk}"
        teams = {team.key: team for team in exercise.teams.all()}
        self.players = {key: builders.player(team, f"Player of {key}") for key, team in teams.items()}
        self.players["ARC2"] = builders.player(teams["ARC"], "Second of ARC")
        self.tokens = {who: joined.token for who, joined in self.players.items()}
        self.tokens["facilitator"] = facilitator.token
        for role in ("evaluator", "observer"):
            self.tokens[role] = builders.staff(role).token

    def transition(self, name: str) -> None:
        exercises.change_status(caller=self.facilitator.caller, exercise_id=self.exercise.pk, transition=name)

    def post(self, path: str, body=None, who: str | None = "ARC"):
        return self.api.post(API + path, body, token=self.tokens[who] if who else None)

    def events(self, who: str = "facilitator", after: int = 0) -> list[dict]:
        response = self.api.get(f"{API}{self.base}/events?after={after}", token=self.tokens[who])
        assert response.status_code == 200, response.content
        return response.json()

    def event(self, seq: int, who: str = "facilitator") -> dict:
        [event] = [e for e in self.events(who, after=seq - 1) if e["seq"] == seq]
        return event

    def last_seq(self) -> int:
        return max((e["seq"] for e in self.events()), default=0)

    def release(self, key: str) -> Event:
        return injects.release_now(caller=self.facilitator.caller, exercise_id=self.exercise.pk, key=key)

    # Set-ups through the API, as players would do them.
    def call(self, frm: str, to: str) -> dict:
        return created(self.post(f"{self.base}/hotlines", {"to": to}, frm))

    def open_line(self, frm: str, to: str) -> int:
        line = self.call(frm, to)["id"]
        answered(self.post(f"/hotlines/{line}/accept", who=to))
        return line

    def convene(self, who: str, invite: list[str], title: str = "Ceasefire talks") -> dict:
        return created(self.post(f"{self.base}/dialogues", {"title": title, "invite": invite}, who))

    def propose(self, who: str, dialogue: int, text: str = "Both sides hold fire.") -> dict:
        return created(self.post(f"/dialogues/{dialogue}/statements", {"text": text}, who))

    def operation(self, who: str, partners: list[str], kind: str = "joint_patrol") -> dict:
        body = {"kind": kind, "partners": partners, "objective": "Patrol the pass together."}
        return created(self.post(f"{self.base}/joint-operations", body, who))

    def adjudicate(self, operation: int, body: dict, who: str = "facilitator"):
        return self.post(f"/joint-operations/{operation}/adjudicate", body, who)


@pytest.fixture
def draft(api, facilitator, exercise):
    return Game(api, facilitator, exercise)


@pytest.fixture
def game(draft):
    draft.transition("start")
    return draft


def created(response, status: int = 201) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def answered(response) -> dict:
    return created(response, 200)


def refused(response, status: int) -> dict:
    """The contract's error shape with the given status."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] in CODES[status]
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], list)
    return error


def counts(exercise) -> dict[str, int]:
    """Rows that commands create, and the exercise's events: refusals must change none."""
    return {
        "events": Event.objects.filter(exercise=exercise).count(),
        "hotlines": Hotline.objects.filter(exercise=exercise).count(),
        "open": Hotline.objects.filter(exercise=exercise, status="open").count(),
        "messages": Message.objects.filter(exercise=exercise).count(),
        "dialogues": Dialogue.objects.filter(exercise=exercise).count(),
        "statements": Statement.objects.filter(dialogue__exercise=exercise).count(),
        "operations": JointOperation.objects.filter(exercise=exercise).count(),
        "actions": Action.objects.filter(exercise=exercise).count(),
        "reports": Report.objects.filter(exercise=exercise).count(),
        "outages": HotlineOutage.objects.filter(exercise=exercise).count(),
        "receipts": CommandReceipt.objects.filter(exercise=exercise).count(),
    }


def assert_event(game: Game, seq: int, kind: str, data: dict, actor: str | None = None) -> dict:
    """The event at ``seq`` has this kind and at least these data fields; the acting team sees it."""
    event = game.event(seq)
    assert event["kind"] == kind
    assert event["data"] | data == event["data"], event["data"]
    if actor:
        player = game.players[actor].player
        assert event["actor"] == {"team": player.team.key, "player": player.name}
        seen = game.event(seq, who=actor)
        assert (seen["kind"], seen["data"]) == (kind, event["data"])
    return event


# Hotlines


def test_a_call_is_requested_accepted_carries_messages_both_ways_and_is_closed(game):
    seq = game.last_seq()
    body = created(game.post(f"{game.base}/hotlines", {"to": "BOR"}, "ARC"))
    line = body["id"]
    assert body == {"id": line, "from": "ARC", "to": "BOR", "status": "requested", "seq": seq + 1}
    ends = {"hotline": line, "from": "ARC", "to": "BOR"}
    assert_event(game, seq + 1, "hotline.requested", ends, actor="ARC")

    accepted = answered(game.post(f"/hotlines/{line}/accept", who="BOR"))
    assert accepted == {"id": line, "from": "ARC", "to": "BOR", "status": "open", "seq": seq + 2}
    assert_event(game, seq + 2, "hotline.accepted", ends, actor="BOR")

    for n, (who, text) in enumerate([("ARC", "Hold fire at the post."), ("BOR", "Holding; send your liaison.")]):
        sent = created(game.post(f"/hotlines/{line}/messages", {"text": text}, who))
        author = game.players[who].player.name
        assert sent == {
            "id": sent["id"],
            "hotline": line,
            "dialogue": None,
            "from": who,
            "author": author,
            "text": text,
            "seq": seq + 3 + n,
        }
        assert_event(game, seq + 3 + n, "hotline.message", ends | {"text": text}, actor=who)

    closed = answered(game.post(f"/hotlines/{line}/close", who="BOR"))
    assert closed == {"id": line, "from": "ARC", "to": "BOR", "status": "closed", "seq": seq + 5}
    assert_event(game, seq + 5, "hotline.closed", ends, actor="BOR")
    assert game.last_seq() == seq + 5


def test_a_declined_call_answers_200_and_the_pair_may_call_again(game):
    call = game.call("ARC", "BOR")
    declined = answered(game.post(f"/hotlines/{call['id']}/decline", who="BOR"))
    assert declined == {"id": call["id"], "from": "ARC", "to": "BOR", "status": "declined", "seq": call["seq"] + 1}
    assert_event(game, declined["seq"], "hotline.declined", {"hotline": call["id"], "from": "ARC", "to": "BOR"}, "BOR")
    again = game.call("BOR", "ARC")
    assert (again["from"], again["to"], again["status"]) == ("BOR", "ARC", "requested")
    assert again["id"] != call["id"]


def test_a_requested_call_may_be_withdrawn_by_closing_it(game):
    call = game.call("ARC", "BOR")
    assert answered(game.post(f"/hotlines/{call['id']}/close", who="ARC"))["status"] == "closed"
    assert game.call("ARC", "BOR")["status"] == "requested"


@pytest.mark.parametrize("body", [{"to": "ARC"}, {"to": "XYZ"}, {"to": "arc"}, {"to": ""}, {"to": 7}, {}])
def test_a_call_to_oneself_or_an_unknown_team_is_400(game, body):
    before = counts(game.exercise)
    error = refused(game.post(f"{game.base}/hotlines", body, "ARC"), 400)
    assert error["details"]
    assert counts(game.exercise) == before


@pytest.mark.parametrize("line", ["requested", "open"])
@pytest.mark.parametrize(("frm", "to"), [("ARC", "BOR"), ("ARC2", "BOR"), ("BOR", "ARC")])
def test_a_second_call_between_the_same_pair_is_409_in_either_direction(game, line, frm, to):
    call = game.call("ARC", "BOR")
    if line == "open":
        answered(game.post(f"/hotlines/{call['id']}/accept", who="BOR"))
    before = counts(game.exercise)
    refused(game.post(f"{game.base}/hotlines", {"to": to}, frm), 409)
    assert counts(game.exercise) == before
    assert game.call("CAL", "BOR")["status"] == "requested"  # other pairs are free


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_the_calling_team_cannot_answer_its_own_call(game, answer):
    call = game.call("ARC", "BOR")
    for who in ("ARC", "ARC2"):
        refused(game.post(f"/hotlines/{call['id']}/{answer}", who=who), 403)
    assert Hotline.objects.get(pk=call["id"]).status == "requested"


@pytest.mark.parametrize("first", ["accept", "decline"])
@pytest.mark.parametrize("second", ["accept", "decline"])
def test_a_call_is_answered_once(game, first, second):
    call = game.call("ARC", "BOR")
    answered(game.post(f"/hotlines/{call['id']}/{first}", who="BOR"))
    before = counts(game.exercise)
    refused(game.post(f"/hotlines/{call['id']}/{second}", who="BOR"), 409)
    assert counts(game.exercise) == before


@pytest.mark.parametrize("state", ["requested", "declined", "closed"])
@pytest.mark.parametrize("who", ["ARC", "BOR"])
def test_messages_need_an_open_line(game, state, who):
    call = game.call("ARC", "BOR")
    if state == "declined":
        answered(game.post(f"/hotlines/{call['id']}/decline", who="BOR"))
    if state == "closed":
        answered(game.post(f"/hotlines/{call['id']}/accept", who="BOR"))
        answered(game.post(f"/hotlines/{call['id']}/close", who="ARC"))
    before = counts(game.exercise)
    refused(game.post(f"/hotlines/{call['id']}/messages", {"text": "Anyone there?"}, who), 409)
    assert counts(game.exercise) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [("accept", None), ("decline", None), ("close", None), ("messages", {"text": "I am listening in."})],
)
def test_a_team_not_on_the_line_is_told_it_does_not_exist(game, path, body):
    requested = game.call("ARC", "BOR")["id"]
    opened = game.open_line("BOR", "CAL")
    before = counts(game.exercise)
    for line, outsider in ((requested, "CAL"), (opened, "ARC"), (opened, "ARC2"), (999_999, "ARC")):
        refused(game.post(f"/hotlines/{line}/{path}", body, outsider), 404)
    assert counts(game.exercise) == before


def test_closing_twice_is_409(game):
    line = game.open_line("ARC", "BOR")
    answered(game.post(f"/hotlines/{line}/close", who="ARC"))
    refused(game.post(f"/hotlines/{line}/close", who="ARC"), 409)
    refused(game.post(f"/hotlines/{line}/close", who="BOR"), 409)


def cut(game: Game, teams: list[str], who: str = "facilitator"):
    return game.post(f"{game.base}/hotline-outages", {"teams": teams}, who)


def test_an_outage_refuses_messages_until_it_is_ended(game):
    line = game.open_line("ARC", "BOR")
    outage = created(cut(game, ["ARC", "BOR"]))
    assert outage == {"id": outage["id"], "teams": ["ARC", "BOR"], "active": True, "seq": outage["seq"]}
    cut_event = assert_event(game, outage["seq"], "hotline.cut", {"from": "ARC", "to": "BOR"})
    assert cut_event["actor"]["role"] == "facilitator"
    for who in ("ARC", "BOR"):
        assert game.event(outage["seq"], who=who)["kind"] == "hotline.cut"
        refused(game.post(f"/hotlines/{line}/messages", {"text": "Do you read me?"}, who), 409)
    assert not Message.objects.filter(hotline_id=line).exists()

    ended = answered(game.post(f"/hotline-outages/{outage['id']}/end", who="facilitator"))
    assert ended == {"id": outage["id"], "teams": ["ARC", "BOR"], "active": False, "seq": outage["seq"] + 1}
    assert_event(game, ended["seq"], "hotline.restored", {"from": "ARC", "to": "BOR"})
    sent = created(game.post(f"/hotlines/{line}/messages", {"text": "Line restored."}, "BOR"))
    assert sent["text"] == "Line restored."
    refused(game.post(f"/hotline-outages/{outage['id']}/end", who="facilitator"), 409)


def test_outage_events_carry_the_fields_of_every_hotline_event(game):
    line = game.open_line("ARC", "BOR")
    outage = created(cut(game, ["ARC", "BOR"]))
    ended = answered(game.post(f"/hotline-outages/{outage['id']}/end", who="facilitator"))
    for seq in (outage["seq"], ended["seq"]):
        data = game.event(seq)["data"]
        assert data | {"hotline": line, "from": "ARC", "to": "BOR"} == data
    quiet = created(cut(game, ["BOR", "CAL"]))  # no call between them: no hotline to name
    data = game.event(quiet["seq"])["data"]
    assert data | {"hotline": None, "from": "BOR", "to": "CAL"} == data


def test_no_call_is_made_or_answered_between_a_cut_pair(game):
    pending = game.call("ARC", "BOR")
    outage = created(cut(game, ["BOR", "ARC"]))
    refused(game.post(f"/hotlines/{pending['id']}/accept", who="BOR"), 409)
    answered(game.post(f"/hotlines/{pending['id']}/close", who="ARC"))
    for frm, to in (("ARC", "BOR"), ("BOR", "ARC")):
        before = counts(game.exercise)
        refused(game.post(f"{game.base}/hotlines", {"to": to}, frm), 409)
        assert counts(game.exercise) == before
    assert game.call("ARC", "CAL")["status"] == "requested"  # only the cut pair is down
    answered(game.post(f"/hotline-outages/{outage['id']}/end", who="facilitator"))
    assert game.call("BOR", "ARC")["status"] == "requested"


@pytest.mark.parametrize(("who", "status"), [("ARC", 403), ("evaluator", 403), ("observer", 403), (None, 401)])
def test_only_a_facilitator_cuts_or_restores_a_line(game, who, status):
    outage = created(cut(game, ["ARC", "BOR"]))
    before = counts(game.exercise)
    refused(cut(game, ["ARC", "CAL"], who=who), status)
    refused(game.post(f"/hotline-outages/{outage['id']}/end", who=who), status)
    assert counts(game.exercise) == before


@pytest.mark.parametrize(
    ("teams", "status"),
    [(["ARC", "ARC"], 400), (["ARC", "XYZ"], 400), (["ARC"], 400), (["ARC", "BOR", "CAL"], 400), (["BOR", "ARC"], 409)],
)
def test_an_outage_names_two_teams_whose_line_is_not_already_cut(game, teams, status):
    created(cut(game, ["ARC", "BOR"]))
    before = counts(game.exercise)
    refused(cut(game, teams), status)
    assert counts(game.exercise) == before
    refused(game.post("/hotline-outages/999999/end", who="facilitator"), 404)


# Dialogues and statements


def test_a_dialogue_is_convened_spoken_in_and_its_statement_adopted_when_all_endorse(game):
    seq = game.last_seq()
    body = game.convene("ARC", ["BOR", "CAL"], title="Karst Pass talks")
    dialogue = body["id"]
    everyone = ["ARC", "BOR", "CAL"]
    assert body == {
        "id": dialogue,
        "title": "Karst Pass talks",
        "convener": "ARC",
        "participants": everyone,
        "seq": seq + 1,
    }
    meeting = {"dialogue": dialogue, "title": "Karst Pass talks", "participants": everyone}
    assert_event(game, seq + 1, "dialogue.convened", meeting, actor="ARC")

    said = created(game.post(f"/dialogues/{dialogue}/messages", {"text": "Thank you for coming."}, "CAL"))
    assert said == {
        "id": said["id"],
        "hotline": None,
        "dialogue": dialogue,
        "from": "CAL",
        "author": "Player of CAL",
        "text": "Thank you for coming.",
        "seq": seq + 2,
    }
    assert_event(game, seq + 2, "dialogue.message", meeting | {"text": "Thank you for coming."}, actor="CAL")

    proposed = game.propose("BOR", dialogue, "Both sides withdraw 5 km.")
    statement = proposed["id"]
    words = {"statement": statement, "dialogue": dialogue, "text": "Both sides withdraw 5 km."}
    assert proposed == {
        "id": statement,
        "dialogue": dialogue,
        "text": "Both sides withdraw 5 km.",
        "proposer": "BOR",
        "endorsed_by": ["BOR"],
        "adopted": False,
        "version": 1,
        "reservations": {},
        "seq": seq + 3,
    }
    assert_event(game, seq + 3, "statement.proposed", words | {"endorsed_by": ["BOR"]}, actor="BOR")

    first = answered(game.post(f"/statements/{statement}/endorse", who="ARC"))
    assert first == {**proposed, "endorsed_by": ["ARC", "BOR"], "adopted": False, "seq": seq + 4}
    assert_event(game, seq + 4, "statement.endorsed", words | {"endorsed_by": ["ARC", "BOR"]}, actor="ARC")
    assert [e["kind"] for e in game.events(after=seq)].count("statement.adopted") == 0

    last = answered(game.post(f"/statements/{statement}/endorse", who="CAL"))
    assert last == {**proposed, "endorsed_by": everyone, "adopted": True, "seq": seq + 5}
    assert_event(game, seq + 5, "statement.endorsed", words | {"endorsed_by": everyone}, actor="CAL")
    assert_event(game, seq + 6, "statement.adopted", words | {"endorsed_by": everyone})
    assert [e["kind"] for e in game.events(after=seq)].count("statement.adopted") == 1
    assert game.last_seq() == seq + 6


def test_a_statement_of_two_is_adopted_on_the_first_endorsement(game):
    dialogue = game.convene("BOR", ["ARC", "BOR"])  # naming yourself is harmless
    assert dialogue["participants"] == ["ARC", "BOR"]
    statement = game.propose("ARC", dialogue["id"])
    assert statement["adopted"] is False
    adopted = answered(game.post(f"/statements/{statement['id']}/endorse", who="BOR"))
    assert adopted["adopted"] is True
    assert game.event(adopted["seq"] + 1)["kind"] == "statement.adopted"


@pytest.mark.parametrize(
    ("invite", "path"),
    [(["XYZ"], "invite[0]"), (["BOR", "NOPE"], "invite[1]"), (["ARC"], "invite"), (["ARC", "ARC"], "invite")],
)
def test_convening_needs_other_known_teams(game, invite, path):
    before = counts(game.exercise)
    error = refused(game.post(f"{game.base}/dialogues", {"title": "Talks", "invite": invite}, "ARC"), 400)
    assert path in [d["path"] for d in error["details"]]
    assert counts(game.exercise) == before


@pytest.mark.parametrize(
    "body", [{"title": "Talks", "invite": []}, {"title": "", "invite": ["BOR"]}, {"invite": ["BOR"]}]
)
def test_convening_needs_a_title_and_invitees(game, body):
    before = counts(game.exercise)
    refused(game.post(f"{game.base}/dialogues", body, "ARC"), 400)
    assert counts(game.exercise) == before


def test_a_team_outside_the_dialogue_cannot_speak_propose_or_endorse(game):
    dialogue = game.convene("ARC", ["BOR"])["id"]
    statement = game.propose("ARC", dialogue)["id"]
    before = counts(game.exercise)
    refused(game.post(f"/dialogues/{dialogue}/messages", {"text": "May I join?"}, "CAL"), 404)
    refused(game.post(f"/dialogues/{dialogue}/statements", {"text": "CAL agrees."}, "CAL"), 404)
    refused(game.post(f"/statements/{statement}/endorse", who="CAL"), 404)
    refused(game.post("/dialogues/999999/messages", {"text": "Hello?"}, "ARC"), 404)
    refused(game.post("/statements/999999/endorse", who="ARC"), 404)
    assert counts(game.exercise) == before


def test_each_team_endorses_once_and_nobody_after_adoption(game):
    dialogue = game.convene("ARC", ["BOR", "CAL"])["id"]
    statement = game.propose("ARC", dialogue)["id"]
    endorse = f"/statements/{statement}/endorse"
    refused(game.post(endorse, who="ARC"), 409)  # proposing was ARC's endorsement
    refused(game.post(endorse, who="ARC2"), 409)  # a team endorses, not a player
    answered(game.post(endorse, who="BOR"))
    refused(game.post(endorse, who="BOR"), 409)
    assert answered(game.post(endorse, who="CAL"))["adopted"] is True
    before = counts(game.exercise)
    for who in ("CAL", "ARC", "BOR"):
        refused(game.post(endorse, who=who), 409)
    assert counts(game.exercise) == before
    assert [e["kind"] for e in game.events()].count("statement.adopted") == 1


def test_a_facilitator_convenes_teams_without_taking_part(game):
    body = created(
        game.post(f"{game.base}/dialogues", {"title": "Mediated talks", "invite": ["ARC", "BOR"]}, "facilitator")
    )
    assert body == {
        "id": body["id"],
        "title": "Mediated talks",
        "convener": None,
        "participants": ["ARC", "BOR"],
        "seq": body["seq"],
    }
    event = assert_event(
        game, body["seq"], "dialogue.convened", {"dialogue": body["id"], "participants": ["ARC", "BOR"]}
    )
    assert event["actor"]["role"] == "facilitator"
    assert body["seq"] in [e["seq"] for e in game.events("ARC")]
    assert body["seq"] not in [e["seq"] for e in game.events("CAL")]

    statement = game.propose("ARC", body["id"])["id"]
    refused(game.post(f"/statements/{statement}/endorse", who="facilitator"), 403)
    refused(game.post(f"/dialogues/{body['id']}/statements", {"text": "Staff text"}, "facilitator"), 403)
    assert answered(game.post(f"/statements/{statement}/endorse", who="BOR"))["adopted"] is True

    alone = {"title": "Just ARC", "invite": ["ARC"]}
    refused(game.post(f"{game.base}/dialogues", alone, "facilitator"), 400)


# Joint operations


def test_a_joint_operation_is_proposed_answered_and_adjudicated(game):
    seq = game.last_seq()
    body = {"kind": "search_and_rescue", "partners": ["BOR", "CAL"], "objective": "Find the missing ferry."}
    proposed = created(game.post(f"{game.base}/joint-operations", body, "ARC"))
    operation = proposed["id"]
    fields = {
        "kind": "search_and_rescue",
        "proposer": "ARC",
        "partners": ["BOR", "CAL"],
        "objective": "Find the missing ferry.",
    }
    assert proposed == fields | {
        "id": operation,
        "answers": {"BOR": None, "CAL": None},
        "status": "proposed",
        "outcome": None,
        "narrative": None,
        "seq": seq + 1,
    }
    op = fields | {"operation": operation}
    assert_event(game, seq + 1, "jointop.proposed", op, actor="ARC")

    accepted = answered(game.post(f"/joint-operations/{operation}/accept", who="BOR"))
    assert accepted == proposed | {"answers": {"BOR": "accepted", "CAL": None}, "seq": seq + 2}
    assert_event(game, seq + 2, "jointop.accepted", op, actor="BOR")
    refused(game.adjudicate(operation, {"outcome": "succeeded", "narrative": "Too early."}), 409)

    declined = answered(game.post(f"/joint-operations/{operation}/decline", who="CAL"))
    assert declined == proposed | {
        "answers": {"BOR": "accepted", "CAL": "declined"},
        "status": "awaiting_adjudication",
        "seq": seq + 3,
    }
    assert_event(game, seq + 3, "jointop.declined", op, actor="CAL")

    verdict = {"outcome": "partial", "narrative": "Survivors found; the ferry sank."}
    judged = answered(game.adjudicate(operation, verdict))
    assert judged == declined | {"status": "adjudicated", **verdict, "seq": seq + 4}
    event = assert_event(game, seq + 4, "jointop.adjudicated", op | verdict)
    assert event["actor"]["role"] == "facilitator"
    for who in ("ARC", "BOR", "CAL"):
        assert game.event(seq + 4, who=who)["data"]["outcome"] == "partial"
    refused(game.adjudicate(operation, verdict), 409)
    assert game.last_seq() == seq + 4


def test_an_operation_every_partner_declines_is_declined_and_not_adjudicated(game):
    operation = game.operation("ARC", ["BOR", "CAL"])["id"]
    answered(game.post(f"/joint-operations/{operation}/decline", who="BOR"))
    assert answered(game.post(f"/joint-operations/{operation}/decline", who="CAL"))["status"] == "declined"
    refused(game.adjudicate(operation, {"outcome": "failed", "narrative": "Nobody came."}), 409)


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "invasion", "partners": ["BOR"], "objective": "x"},
        {"kind": "", "partners": ["BOR"], "objective": "x"},
        {"kind": "joint_patrol", "partners": ["ARC", "BOR"], "objective": "x"},
        {"kind": "joint_patrol", "partners": ["ARC"], "objective": "x"},
        {"kind": "joint_patrol", "partners": ["XYZ"], "objective": "x"},
        {"kind": "joint_patrol", "partners": [], "objective": "x"},
        {"kind": "joint_patrol", "partners": ["BOR"], "objective": ""},
        {"kind": "joint_patrol", "partners": "BOR", "objective": "x"},
    ],
)
def test_a_proposal_needs_a_known_kind_and_other_teams_as_partners(game, body):
    before = counts(game.exercise)
    refused(game.post(f"{game.base}/joint-operations", body, "ARC"), 400)
    assert counts(game.exercise) == before


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_only_partners_answer_once(game, answer):
    operation = game.operation("ARC", ["BOR"])["id"]
    before = counts(game.exercise)
    refused(game.post(f"/joint-operations/{operation}/{answer}", who="ARC"), 403)
    refused(game.post(f"/joint-operations/{operation}/{answer}", who="ARC2"), 403)
    refused(game.post(f"/joint-operations/{operation}/{answer}", who="CAL"), 404)
    refused(game.post(f"/joint-operations/999999/{answer}", who="BOR"), 404)
    assert counts(game.exercise) == before
    answered(game.post(f"/joint-operations/{operation}/{answer}", who="BOR"))
    for again in ("accept", "decline"):
        refused(game.post(f"/joint-operations/{operation}/{again}", who="BOR"), 409)


@pytest.mark.parametrize(
    ("who", "status"), [("evaluator", 403), ("observer", 403), ("ARC", 403), ("BOR", 403), (None, 401)]
)
def test_only_a_facilitator_adjudicates(game, who, status):
    operation = game.operation("ARC", ["BOR"])["id"]
    answered(game.post(f"/joint-operations/{operation}/accept", who="BOR"))
    before = counts(game.exercise)
    refused(game.adjudicate(operation, {"outcome": "succeeded", "narrative": "Done."}, who=who), status)
    assert counts(game.exercise) == before
    assert JointOperation.objects.get(pk=operation).status == "awaiting_adjudication"


@pytest.mark.parametrize(
    "verdict",
    [
        {"outcome": "won", "narrative": "x"},
        {"outcome": "", "narrative": "x"},
        {"outcome": "SUCCEEDED", "narrative": "x"},
        {"outcome": "failed", "narrative": ""},
        {"narrative": "x"},
    ],
)
def test_an_adjudication_needs_a_known_outcome_and_a_narrative(game, verdict):
    operation = game.operation("ARC", ["BOR"])["id"]
    answered(game.post(f"/joint-operations/{operation}/accept", who="BOR"))
    before = counts(game.exercise)
    refused(game.adjudicate(operation, verdict), 400)
    assert counts(game.exercise) == before


def test_an_adjudication_may_release_a_pending_inject_as_its_consequence(game):
    operation = game.operation("ARC", ["BOR"])["id"]
    answered(game.post(f"/joint-operations/{operation}/accept", who="BOR"))
    verdict = {"outcome": "failed", "narrative": "The patrol was ambushed.", "consequence": "I2"}
    judged = answered(game.adjudicate(operation, verdict))
    assert (judged["status"], judged["outcome"]) == ("adjudicated", "failed")
    assert game.event(judged["seq"])["kind"] == "jointop.adjudicated"
    release = game.event(judged["seq"] + 1)
    assert (release["kind"], release["data"]["key"]) == ("inject.released", "I2")
    for who in ("ARC", "BOR", "CAL"):  # I2 goes to all
        assert judged["seq"] + 1 in [e["seq"] for e in game.events(who)]
    refused(game.post(f"{game.base}/injects/I2/release", who="facilitator"), 409)


def test_an_unknown_consequence_leaves_the_operation_unjudged(game):
    operation = game.operation("ARC", ["BOR"])["id"]
    answered(game.post(f"/joint-operations/{operation}/accept", who="BOR"))
    before = counts(game.exercise)
    verdict = {"outcome": "failed", "narrative": "x", "consequence": "NOPE"}
    refused(game.adjudicate(operation, verdict), 404)
    assert counts(game.exercise) == before
    assert JointOperation.objects.get(pk=operation).status == "awaiting_adjudication"


# Actions


@pytest.mark.parametrize("start", [0, 2, TOP_RUNG])
@pytest.mark.parametrize("kind", list(STEPS))
def test_each_action_moves_the_team_on_the_ladder_within_0_to_5(game, kind, start):
    for rung in range(1, start + 1):
        assert created(game.post(f"{game.base}/actions", {"kind": "raise_alert"}, "ARC"))["escalation"] == rung
    text = "We call on all sides to show restraint."
    body = created(game.post(f"{game.base}/actions", {"kind": kind, "text": text}, "ARC2"))
    rung = min(max(start + STEPS[kind], 0), TOP_RUNG)
    assert body == {"id": body["id"], "team": "ARC", "kind": kind, "text": text, "escalation": rung, "seq": body["seq"]}
    data = {"team": "ARC", "kind": kind, "text": text, "escalation": rung}
    assert_event(game, body["seq"], "action.taken", data, actor="ARC2")
    other = created(game.post(f"{game.base}/actions", {"kind": "public_statement", "text": "Calm."}, "BOR"))
    assert other["escalation"] == 0  # each team has its own rung


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "public_statement"},
        {"kind": "public_statement", "text": ""},
        {"kind": "public_statement", "text": "  \n "},
        {"kind": "launch_missiles", "text": "x"},
        {"kind": "", "text": "x"},
        {"text": "x"},
    ],
)
def test_an_action_needs_a_known_kind_and_a_statement_needs_text(game, body):
    before = counts(game.exercise)
    refused(game.post(f"{game.base}/actions", body, "ARC"), 400)
    assert counts(game.exercise) == before


# Reports


def test_a_report_answers_an_inject_the_team_received(game):
    for key in ("I1", "I2", "NOPE"):  # I1 and I2 not yet released
        refused(game.post(f"{game.base}/reports", {"inject": key, "text": "Sitrep"}, "ARC"), 400)
    game.release("I1")  # to ARC and BOR
    before = counts(game.exercise)
    refused(game.post(f"{game.base}/reports", {"inject": "I1", "text": "We saw nothing."}, "CAL"), 400)
    assert counts(game.exercise) == before
    text = "Two soldiers wounded; we hold the post."
    body = created(game.post(f"{game.base}/reports", {"inject": "I1", "text": text}, "BOR"))
    assert body == {"id": body["id"], "inject": "I1", "team": "BOR", "text": text, "seq": body["seq"]}
    assert_event(game, body["seq"], "report.submitted", {"inject": "I1", "text": text}, actor="BOR")


def test_a_report_on_an_inject_to_all_or_ad_hoc_to_the_team_is_taken_and_a_skipped_one_refused(game):
    injects.skip(caller=game.facilitator.caller, exercise_id=game.exercise.pk, key="I1", reason="Short of time")
    refused(game.post(f"{game.base}/reports", {"inject": "I1", "text": "x"}, "ARC"), 400)
    game.release("I2")  # to all
    assert created(game.post(f"{game.base}/reports", {"inject": "I2", "text": "x"}, "CAL"))["inject"] == "I2"
    adhoc = injects.send_adhoc(
        caller=game.facilitator.caller,
        exercise_id=game.exercise.pk,
        title="Ferry missing",
        body="A ferry is overdue.",
        kind="maritime",
        severity="high",
        to=["CAL"],
    )
    key = adhoc.data["key"]
    assert created(game.post(f"{game.base}/reports", {"inject": key, "text": "Searching."}, "CAL"))["inject"] == key
    refused(game.post(f"{game.base}/reports", {"inject": key, "text": "x"}, "ARC"), 400)


# Text: limits and exactness


def text_target(game: Game, name: str) -> tuple[str, str, dict, int, str]:
    """(who, path, body without the text, limit, text field) of a command that takes text."""
    if name == "hotline_message":
        return "ARC", f"/hotlines/{game.open_line('ARC', 'BOR')}/messages", {}, 4_000, "text"
    if name == "dialogue_message":
        return "ARC", f"/dialogues/{game.convene('ARC', ['BOR'])['id']}/messages", {}, 4_000, "text"
    if name == "statement":
        return "ARC", f"/dialogues/{game.convene('ARC', ['BOR'])['id']}/statements", {}, 4_000, "text"
    if name == "objective":
        body = {"kind": "joint_patrol", "partners": ["BOR"]}
        return "ARC", f"{game.base}/joint-operations", body, 4_000, "objective"
    if name == "public_statement":
        return "ARC", f"{game.base}/actions", {"kind": "public_statement"}, 4_000, "text"
    game.release("I1")
    return "ARC", f"{game.base}/reports", {"inject": "I1"}, 20_000, "text"


TEXT_COMMANDS = ["hotline_message", "dialogue_message", "statement", "objective", "public_statement", "report"]


@pytest.mark.parametrize("name", TEXT_COMMANDS)
def test_text_must_not_be_empty_nor_over_its_limit(game, name):
    who, path, body, limit, field = text_target(game, name)
    before = counts(game.exercise)
    for empty in ("", "   ", "\n\t"):
        refused(game.post(path, body | {field: empty}, who), 400)
    error = refused(game.post(path, body | {field: "x" * (limit + 1)}, who), 413)
    assert error["code"] == "too_large"
    assert counts(game.exercise) == before
    longest = ("Ω <b>" * limit)[:limit]  # characters count, not bytes
    made = created(game.post(path, body | {field: longest}, who))
    assert made[field] == longest
    assert game.event(made["seq"])["data"][field] == longest


@pytest.mark.parametrize("name", TEXT_COMMANDS)
def test_text_is_stored_and_returned_exactly_as_sent(game, name):
    who, path, body, _limit, field = text_target(game, name)
    text = '  <script>alert("x")</script> & <b>bold</b> \u00e9\u4e2d\U0001f600\n\t '
    made = created(game.post(path, body | {field: text}, who))
    assert made[field] == text
    assert game.event(made["seq"])["data"][field] == text
    reader = {"report": "ARC", "public_statement": "CAL"}.get(name, "BOR")
    assert game.event(made["seq"], who=reader)["data"][field] == text


def test_titles_and_narratives_are_returned_exactly_as_sent(game):
    title = " <i>Talks</i> & more "
    dialogue = game.convene("ARC", ["BOR"], title=title)
    assert dialogue["title"] == title
    assert game.event(dialogue["seq"], who="BOR")["data"]["title"] == title
    operation = game.operation("ARC", ["BOR"])["id"]
    answered(game.post(f"/joint-operations/{operation}/accept", who="BOR"))
    narrative = "\n<script>x</script>  The patrol met no one.  "
    judged = answered(game.adjudicate(operation, {"outcome": "succeeded", "narrative": narrative}))
    assert judged["narrative"] == narrative
    assert game.event(judged["seq"], who="BOR")["data"]["narrative"] == narrative


# Who may command, and when


def command_targets(game: Game) -> dict[str, int]:
    """Objects every command can act on: a requested and an open line, a dialogue with a
    pending statement, a proposed operation, and an inject ARC and BOR received."""
    game.release("I1")
    requested = game.call("ARC", "BOR")["id"]
    opened = game.open_line("ARC", "CAL")
    dialogue = game.convene("ARC", ["BOR"])["id"]
    statement = game.propose("ARC", dialogue)["id"]
    operation = game.operation("ARC", ["BOR"])["id"]
    return {"requested": requested, "open": opened, "dialogue": dialogue, "statement": statement, "op": operation}


# name: (path, body, status while running); BOR sends each one.
COMMANDS = {
    "request_call": ("{base}/hotlines", {"to": "CAL"}, 201),
    "accept_call": ("/hotlines/{requested}/accept", None, 200),
    "decline_call": ("/hotlines/{requested}/decline", None, 200),
    "close_call": ("/hotlines/{requested}/close", None, 200),
    "hotline_message": ("/hotlines/{open}/messages", {"text": "Line check."}, 201),
    "convene": ("{base}/dialogues", {"title": "Talks", "invite": ["CAL"]}, 201),
    "dialogue_message": ("/dialogues/{dialogue}/messages", {"text": "We listen."}, 201),
    "propose_statement": ("/dialogues/{dialogue}/statements", {"text": "We agree."}, 201),
    "endorse": ("/statements/{statement}/endorse", None, 200),
    "propose_operation": (
        "{base}/joint-operations",
        {"kind": "border_verification", "partners": ["CAL"], "objective": "Verify."},
        201,
    ),
    "accept_operation": ("/joint-operations/{op}/accept", None, 200),
    "decline_operation": ("/joint-operations/{op}/decline", None, 200),
    "action": ("{base}/actions", {"kind": "raise_alert"}, 201),
    "report": ("{base}/reports", {"inject": "I1", "text": "Sitrep."}, 201),
}
SENDER = {"hotline_message": "CAL"}  # the open line is ARC-CAL
EXERCISE_COMMANDS = [name for name, (path, _body, _status) in COMMANDS.items() if path.startswith("{base}")]


def send(game: Game, name: str, targets: dict[str, int], who: str | None):
    path, body, _status = COMMANDS[name]
    return game.post(path.format(base=game.base, **targets), body, who)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_taken_while_the_exercise_runs(game, name):
    targets = command_targets(game)
    sender = SENDER.get(name, "BOR")
    seq = game.last_seq()
    response = send(game, name, targets, sender)
    assert response.status_code == COMMANDS[name][2], response.content
    assert response.json()["seq"] == seq + 1
    assert game.event(seq + 1)["actor"]["team"] == sender


@pytest.mark.parametrize("state", ["pause", "end"])
@pytest.mark.parametrize("name", list(COMMANDS))
def test_commands_are_409_while_the_exercise_is_paused_or_ended(game, name, state):
    targets = command_targets(game)
    game.transition(state)
    before = counts(game.exercise)
    refused(send(game, name, targets, SENDER.get(name, "BOR")), 409)
    assert counts(game.exercise) == before


@pytest.mark.parametrize("name", EXERCISE_COMMANDS)
def test_commands_are_409_while_the_exercise_is_a_draft(draft, name):
    before = counts(draft.exercise)
    refused(send(draft, name, {}, "BOR"), 409)
    assert counts(draft.exercise) == before


FACILITATOR_MAY = {"convene", "dialogue_message"}  # a facilitator convenes and chairs dialogues


STAFF_COMMANDS = [
    (who, name)
    for who in ("facilitator", "evaluator", "observer")
    for name in COMMANDS
    if not (who == "facilitator" and name in FACILITATOR_MAY)
]


@pytest.mark.parametrize(("who", "name"), STAFF_COMMANDS)
def test_staff_tokens_cannot_act_for_a_team(game, name, who):
    targets = command_targets(game)
    before = counts(game.exercise)
    refused(send(game, name, targets, who), 403)
    assert counts(game.exercise) == before


@pytest.mark.parametrize("name", list(COMMANDS))
def test_anonymous_callers_are_401(game, name):
    targets = command_targets(game)
    before = counts(game.exercise)
    refused(send(game, name, targets, None), 401)
    game.tokens["forged"] = "not-a-token"
    refused(send(game, name, targets, "forged"), 401)
    assert counts(game.exercise) == before


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_player_of_another_exercise_is_403(game, scenario, name):
    other = builders.exercise(game.facilitator.caller, scenario)
    exercises.change_status(caller=game.facilitator.caller, exercise_id=other.pk, transition="start")
    game.tokens["stranger"] = builders.player(other.teams.get(key="BOR"), "Stranger").token
    targets = command_targets(game)
    before = counts(game.exercise)
    refused(send(game, name, targets, "stranger"), 403)
    assert counts(game.exercise) == before


def test_facilitator_dialogue_messages_come_from_no_team(game):
    dialogue = game.convene("ARC", ["BOR"])["id"]
    said = created(game.post(f"/dialogues/{dialogue}/messages", {"text": "Let us begin."}, "facilitator"))
    assert (said["from"], said["text"]) == (None, "Let us begin.")
    assert game.event(said["seq"], who="BOR")["kind"] == "dialogue.message"


# Idempotency


# name: (who, path, body, another body, model)
CREATING = {
    "request_call": ("ARC", "{base}/hotlines", {"to": "BOR"}, {"to": "CAL"}, Hotline),
    "hotline_message": ("CAL", "/hotlines/{open}/messages", {"text": "Ping"}, {"text": "Ping"}, Message),
    "convene": (
        "ARC",
        "{base}/dialogues",
        {"title": "T", "invite": ["BOR"]},
        {"title": "T", "invite": ["CAL"]},
        Dialogue,
    ),
    "dialogue_message": ("BOR", "/dialogues/{dialogue}/messages", {"text": "Hi"}, {"text": "Hi"}, Message),
    "propose_statement": ("BOR", "/dialogues/{dialogue}/statements", {"text": "S"}, {"text": "S"}, Statement),
    "propose_operation": (
        "ARC",
        "{base}/joint-operations",
        {"kind": "joint_patrol", "partners": ["BOR"], "objective": "O"},
        {"kind": "joint_patrol", "partners": ["BOR"], "objective": "O"},
        JointOperation,
    ),
    "action": ("ARC", "{base}/actions", {"kind": "raise_alert"}, {"kind": "raise_alert"}, Action),
    "report": ("BOR", "{base}/reports", {"inject": "I1", "text": "R"}, {"inject": "I1", "text": "R"}, Report),
}


def rows(model, exercise) -> int:
    if model is Statement:
        return Statement.objects.filter(dialogue__exercise=exercise).count()
    return model.objects.filter(exercise=exercise).count()


@pytest.mark.parametrize("name", list(CREATING))
def test_a_repeated_client_id_returns_the_first_result_and_creates_nothing(game, name):
    who, path, body, another, model = CREATING[name]
    game.release("I1")
    targets = {"base": game.base, "open": game.open_line("BOR", "CAL"), "dialogue": game.convene("ARC", ["BOR"])["id"]}
    path = path.format(**targets)
    first = created(game.post(path, body | {"client_id": "tab-1/cmd-1"}, who))
    made, before = rows(model, game.exercise), counts(game.exercise)
    for _ in range(2):
        assert created(game.post(path, body | {"client_id": "tab-1/cmd-1"}, who)) == first
    assert counts(game.exercise) == before
    assert rows(model, game.exercise) == made

    second = created(game.post(path, another | {"client_id": "tab-1/cmd-2"}, who))
    assert second["id"] != first["id"]
    assert second["seq"] > first["seq"]
    assert rows(model, game.exercise) == made + 1

    other_kind = (
        ("{base}/reports", {"inject": "I1", "text": "R"})
        if name == "action"
        else ("{base}/actions", {"kind": "raise_alert"})
    )
    before = counts(game.exercise)
    refused(game.post(other_kind[0].format(**targets), other_kind[1] | {"client_id": "tab-1/cmd-1"}, who), 409)
    assert counts(game.exercise) == before


def test_a_client_id_belongs_to_its_player(game):
    body = {"kind": "public_statement", "text": "Calm.", "client_id": "same"}
    first = created(game.post(f"{game.base}/actions", body, "ARC"))
    second = created(game.post(f"{game.base}/actions", body, "ARC2"))
    assert second["id"] != first["id"]


@pytest.mark.parametrize("client_id", ["", "x" * 101, 7])
def test_a_client_id_is_1_to_100_characters(game, client_id):
    before = counts(game.exercise)
    refused(game.post(f"{game.base}/actions", {"kind": "raise_alert", "client_id": client_id}, "ARC"), 400)
    assert counts(game.exercise) == before


# The per-player throttle


def test_thirty_commands_are_taken_and_the_31st_is_429_for_that_player_only(game):
    player = game.players["ARC"].player
    path = f"{game.base}/actions"
    for n in range(30):
        body = {"kind": "public_statement", "text": f"Statement {n}"}
        created(game.post(path, body, "ARC"))
    before = counts(game.exercise)
    response = game.post(path, {"kind": "public_statement", "text": "One too many"}, "ARC")
    error = refused(response, 429)
    assert error["details"] == []
    assert 1 <= int(response["Retry-After"]) <= 10
    assert counts(game.exercise) == before
    assert created(game.post(path, {"kind": "public_statement", "text": "Team mate"}, "ARC2"))["team"] == "ARC"
    assert created(game.post(path, {"kind": "public_statement", "text": "Neighbour"}, "BOR"))["team"] == "BOR"
    assert Action.objects.filter(exercise=game.exercise, player=player).count() == 30


# Characters no database column can hold (a lone UTF-16 surrogate) or PostgreSQL cannot
# (NUL). They arrive as JSON escapes; the contract allows refusing them (400), never a 500.
UNSTORABLE = {"nul": "\x00", "lone surrogate": "\ud800"}


@pytest.mark.parametrize("bad", list(UNSTORABLE))
@pytest.mark.parametrize("name", TEXT_COMMANDS)
def test_text_that_cannot_be_stored_is_refused_400(game, name, bad):
    who, path, body, _limit, field = text_target(game, name)
    before = counts(game.exercise)
    refused(game.post(path, body | {field: f"Hold {UNSTORABLE[bad]} fire"}, who), 400)
    assert counts(game.exercise) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("{base}/hotlines", {"to": "BOR\ud800"}),
        ("{base}/reports", {"inject": "I1\ud800", "text": "Sitrep"}),
        ("{base}/dialogues", {"title": "Talks \ud800", "invite": ["BOR"]}),
    ],
)
def test_keys_and_titles_with_a_lone_surrogate_are_refused_400(game, path, body):
    before = counts(game.exercise)
    refused(game.post(path.format(base=game.base), body, "ARC"), 400)
    assert counts(game.exercise) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("{base}/hotlines", {"to": "BOR\x00"}),
        ("{base}/reports", {"inject": "I1\x00", "text": "Sitrep"}),
        ("{base}/dialogues", {"title": "Talks \x00", "invite": ["BOR"]}),
        ("{base}/actions", {"kind": "raise_alert", "client_id": "tab\x001"}),
    ],
)
def test_keys_titles_and_client_ids_with_nul_are_refused_400(game, path, body):
    before = counts(game.exercise)
    refused(game.post(path.format(base=game.base), body, "ARC"), 400)
    assert counts(game.exercise) == before
