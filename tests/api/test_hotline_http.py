"""The hotline message POST answered on the event loop (players.hotline_http): the same
answer, headers, log and sockets as Django's path, and Django's answer for all else."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from config.asgi import django_asgi_app
from exercise import hotlines, injects
from exercise.models import (
    ApiToken,
    CommandReceipt,
    Event,
    Expectation,
    ExpectationCheck,
    Message,
    PendingDecision,
)
from exercise.models.access import hash_token
from players.hotline_http import HotlineMessages
from tests import builders
from tests.api.test_asgi_http import call
from tests.realtime.sockets import open_socket, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

# Headers that differ between any two responses.
VARYING = {"content-length"}


class Django:
    """Django's HTTP application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.requests = 0

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        self.requests += 1
        await django_asgi_app(scope, receive, send)


@pytest.fixture
def line(redis_url, running_arc):
    """ARC's open call to BOR, a player in each team, and the ASGI layer before Django."""
    exercise = running_arc["exercise"]
    players = {"ARC": running_arc["player"]}
    players |= {key: builders.player(exercise.teams.get(key=key), f"{key} watch officer") for key in ("BOR", "CAL")}
    call_ = hotlines.request_call(caller=players["ARC"].caller, exercise_id=exercise.pk, to="BOR").obj
    hotlines.answer_call(caller=players["BOR"].caller, hotline_id=call_.pk, accept=True)
    django = Django()
    return {
        "exercise": exercise,
        "players": players,
        "path": f"/api/v1/hotlines/{call_.pk}/messages",
        "hotline": call_,
        "django": django,
        "app": HotlineMessages(django),
    }


async def post(line, body, *, sender="ARC", **options):  # type: ignore[no-untyped-def]
    options.setdefault("app", line["app"])
    return await call("POST", line["path"], token=line["players"][sender].token, body=body, **options)


async def test_a_players_message_is_answered_here_as_django_answers_it(line):
    try:
        django_status, django_headers, django_body = await post(
            line, {"text": "Shots at the pass; holding fire."}, app=django_asgi_app
        )
        status, headers, body = await post(line, {"text": "Shots at the pass; holding fire.", "client_id": "m-2"})
    finally:
        await line["app"].close()
    assert line["django"].requests == 0
    assert (status, django_status) == (201, 201)
    assert {k: v for k, v in headers.items() if k not in VARYING} == {
        k: v for k, v in django_headers.items() if k not in VARYING
    }
    assert body == django_body | {"id": body["id"], "seq": django_body["seq"] + 1}
    message = await database_sync_to_async(Message.objects.get)(pk=body["id"])
    assert (message.text, message.author, message.hotline_id) == (body["text"], "Col. Amsel", line["hotline"].pk)
    receipt = await database_sync_to_async(CommandReceipt.objects.get)(client_id="m-2")
    assert receipt.answer == body


async def test_its_messages_reach_both_teams_and_staff_sockets_and_no_one_else(line, facilitator):
    exercise = line["exercise"]
    after = await database_sync_to_async(lambda: Event.objects.filter(exercise=exercise).count())()
    sockets = {
        key: await open_socket(exercise.pk, token=player.token, after=after) for key, player in line["players"].items()
    }
    sockets["staff"] = await open_socket(exercise.pk, token=facilitator.token, after=after)
    try:
        await post(line, {"text": "Do you read?"})
        _status, _headers, second = await post(line, {"text": "Loud and clear."}, sender="BOR")
        assert line["django"].requests == 0
        for key in ("ARC", "BOR", "staff"):
            frames = await receive_until(sockets[key], second["seq"])
            mine = [frame for frame in frames if frame["kind"] == "hotline.message"]
            assert [frame["data"]["text"] for frame in mine] == ["Do you read?", "Loud and clear."]
            logged = await database_sync_to_async(
                lambda: [e.seq for e in Event.objects.filter(exercise=exercise, seq__gt=after)]
            )()
            if key == "staff":
                assert [frame["seq"] for frame in frames] == logged
        assert await sockets["CAL"].receive_nothing(timeout=0.5)
    finally:
        for socket in sockets.values():
            await socket.disconnect()
        await line["app"].close()


def _bodies(text: str) -> list[tuple[str, object, dict]]:
    return [
        ("empty", {"text": "   "}, {}),
        ("too long", {"text": "x" * 4_001}, {}),
        ("no text", {"client_id": "m-9"}, {}),
        ("text not a string", {"text": 7}, {}),
        ("client_id too long", {"text": text, "client_id": "c" * 101}, {}),
        ("client_id empty", {"text": text, "client_id": ""}, {}),
        ("NUL", {"text": "a\x00b"}, {}),
        ("not an object", [text], {}),
        ("a body past the layer's limit, in parts", {"text": "y" * 40_000}, {"chunks": 3}),
        ("an unknown host", {"text": text}, {"host": b"evil.example"}),
        ("nested past the parser's depth", b"[" * 100_000 + b"]" * 100_000, {}),
        ("a NUL in an unknown field's name", {"text": text, "": "\x00"}, {}),
        ("a NUL in the query string", {"text": text}, {"query": b"x=%00"}),
    ]


@pytest.mark.parametrize("case", range(len(_bodies(""))))
async def test_what_it_would_not_take_is_answered_by_django(line, case):
    name, body, options = _bodies("Hold the line.")[case]
    try:
        before = await database_sync_to_async(Message.objects.count)()
        status, _headers, answer = await post(line, body, **options)
        alone = await call(
            "POST", line["path"], token=line["players"]["ARC"].token, body=body, app=django_asgi_app, **options
        )
    finally:
        await line["app"].close()
    assert line["django"].requests == 1, name
    assert 400 <= status < 500, (name, answer)
    assert (status, answer) == (alone[0], alone[2]), name
    assert await database_sync_to_async(Message.objects.count)() == before


@pytest.mark.parametrize("change", ["closed", "outsider", "unknown hotline", "paused"])
async def test_refusals_are_djangos(line, facilitator, change):
    from exercise import exercises

    players, sender, path = line["players"], "ARC", line["path"]
    if change == "closed":
        await database_sync_to_async(hotlines.close_call)(caller=players["BOR"].caller, hotline_id=line["hotline"].pk)
    elif change == "outsider":
        sender = "CAL"
    elif change == "unknown hotline":
        line["path"] = path.replace(f"/{line['hotline'].pk}/", f"/{line['hotline'].pk + 1000}/")
    else:
        pause = lambda: exercises.change_status(  # noqa: E731
            caller=facilitator.caller, exercise_id=line["exercise"].pk, transition="pause"
        )
        await database_sync_to_async(pause)()
    try:
        status, _headers, answer = await post(line, {"text": "Anyone there?"}, sender=sender)
    finally:
        await line["app"].close()
    assert line["django"].requests == 1
    assert status in (404, 409), answer
    assert answer["error"]["message"]


async def test_a_repeated_client_id_gets_the_first_answer_once(line):
    try:
        first = await post(line, {"text": "Confirm the ceasefire line.", "client_id": "cf-1"})
        again = await post(line, {"text": "Confirm the ceasefire line.", "client_id": "cf-1"})
    finally:
        await line["app"].close()
    assert line["django"].requests == 1  # the repeat, answered from the receipt
    assert (first[0], again[0]) == (201, 201)
    assert again[2] == first[2]
    texts = await database_sync_to_async(lambda: list(Message.objects.values_list("text", flat=True)))()
    assert texts.count("Confirm the ceasefire line.") == 1


@pytest.mark.parametrize("expecting", ["ARC", "BOR"])
async def test_an_open_expectation_changes_nothing_in_the_answer(line, facilitator, expecting):
    """Whether a team (the sender's, or another) has an open expectation on hotline
    messages, the answer is this layer's, with the same status and headers, and the
    expectation is decided right after it."""

    def release() -> None:
        Expectation.objects.filter(key="E1").update(event="hotline.message", teams=[expecting])
        injects.release_now(caller=facilitator.caller, exercise_id=line["exercise"].pk, key="I1")

    try:
        status, before, _body = await post(line, {"text": "Before any expectation."})
        await database_sync_to_async(release)()
        status_then, after, _body = await post(line, {"text": "We propose talks at the pass."})
    finally:
        await line["app"].close()  # waits for the decisions it started
    assert status == status_then == 201 and line["django"].requests == 0
    assert {k: v for k, v in before.items() if k not in VARYING} == {k: v for k, v in after.items() if k not in VARYING}
    checks = await database_sync_to_async(
        lambda: {c.team.key: c.status for c in ExpectationCheck.objects.select_related("team")}
    )()
    assert checks == {expecting: "met" if expecting == "ARC" else "open"}
    assert not await database_sync_to_async(PendingDecision.objects.exists)()


@pytest.mark.parametrize("restrained", ["ARC", "BOR"])
async def test_a_message_that_breaks_a_restraint_is_answered_alike_and_decided_right_after(
    line, facilitator, restrained
):
    """A restraint on hotline messages (`none: hotline.message`) waits for the kind it
    forbids, so the function defers the message's decisions as for an expectation: the
    answer is the same, and the sender's restraint is missed right after, by this message."""

    def release() -> None:
        Expectation.objects.filter(key="E1").update(event="hotline.message", restraint=True, teams=[restrained])
        injects.release_now(caller=facilitator.caller, exercise_id=line["exercise"].pk, key="I1")

    try:
        status, before, _body = await post(line, {"text": "Before any restraint."})
        await database_sync_to_async(release)()
        status_then, after, body = await post(line, {"text": "We will move on the pass."})
    finally:
        await line["app"].close()  # waits for the decisions it started
    assert status == status_then == 201 and line["django"].requests == 0
    assert {k: v for k, v in before.items() if k not in VARYING} == {k: v for k, v in after.items() if k not in VARYING}
    checks = await database_sync_to_async(
        lambda: {c.team.key: (c.status, c.decided_by) for c in ExpectationCheck.objects.select_related("team")}
    )()
    assert checks == {restrained: ("missed", body["seq"]) if restrained == "ARC" else ("open", None)}
    assert not await database_sync_to_async(PendingDecision.objects.exists)()
    if restrained == "ARC":
        missed = await database_sync_to_async(Event.objects.get)(kind="expectation.missed")
        assert (missed.data["broken_by"], missed.data["decided_by"]) == ("ARC", body["seq"])


async def test_a_pending_decision_is_taken_by_the_next_tick_if_not_at_once(line, facilitator):
    """The decision a message awaits is never lost: if nothing took it right after the
    answer, the clock's next tick does, before any deadline is judged."""

    def release() -> None:
        Expectation.objects.filter(key="E1").update(event="hotline.message", teams=["ARC"])
        injects.release_now(caller=facilitator.caller, exercise_id=line["exercise"].pk, key="I1")

    await database_sync_to_async(release)()
    line["app"]._decide_soon = lambda exercise_id: None  # as if the process died after answering
    try:
        status, _headers, _body = await post(line, {"text": "We propose talks at the pass."})
    finally:
        await line["app"].close()
    assert status == 201
    assert await database_sync_to_async(PendingDecision.objects.count)() == 1
    await database_sync_to_async(injects.release_due_injects)(exercise_id=line["exercise"].pk)
    check = await database_sync_to_async(ExpectationCheck.objects.get)(team__key="ARC")
    assert check.status == "met"
    met = await database_sync_to_async(Event.objects.get)(kind="expectation.met")
    message = await database_sync_to_async(Event.objects.get)(kind="hotline.message")
    assert met.data["decided_by"] == message.seq


async def test_a_message_given_to_django_is_counted_once_against_the_rate(line, settings):
    settings.PLAYER_COMMAND_RATE = "4/1d"
    arc, bor = line["players"]["ARC"].caller, line["players"]["BOR"].caller
    try:
        assert (await post(line, {"text": "One."}))[0] == 201  # 1, here
        assert (await post(line, {"text": "Two."}))[0] == 201  # 2, here
        await database_sync_to_async(hotlines.close_call)(caller=bor, hotline_id=line["hotline"].pk)
        # 3: counted here, and Django, taking it over, does not count it again.
        assert (await post(line, {"text": "Three: the line is closed."}))[0] == 409
        reopened = await database_sync_to_async(hotlines.request_call)(
            caller=arc, exercise_id=line["exercise"].pk, to="BOR"
        )
        await database_sync_to_async(hotlines.answer_call)(caller=bor, hotline_id=reopened.obj.pk, accept=True)
        line["path"] = f"/api/v1/hotlines/{reopened.obj.pk}/messages"
        assert (await post(line, {"text": "Four."}))[0] == 201
        status, headers, answer = await post(line, {"text": "Five: one too many."})
    finally:
        await line["app"].close()
    assert status == 429, answer
    assert answer["error"]["code"] == "rate_limited"
    assert 1 <= int(headers["retry-after"]) <= 86_400


async def test_several_messages_at_once_each_take_their_own_seq(line):
    try:
        answers = await asyncio.gather(
            *(post(line, {"text": f"Message {n}"}, sender="ARC" if n % 2 else "BOR") for n in range(12))
        )
    finally:
        await line["app"].close()
    assert line["django"].requests == 0
    seqs = sorted(answer[2]["seq"] for answer in answers)
    assert [answer[0] for answer in answers] == [201] * 12
    assert seqs == list(range(seqs[0], seqs[0] + 12))
    logged = await database_sync_to_async(
        lambda: list(Event.objects.filter(kind="hotline.message").values_list("data", flat=True))
    )()
    assert sorted(json.dumps(d["text"]) for d in logged if d["text"].startswith("Message")) == sorted(
        json.dumps(f"Message {n}") for n in range(12)
    )


@pytest.mark.parametrize("who", ["facilitator", "unknown", "padded"])
async def test_other_tokens_are_djangos_to_judge(line, facilitator, who):
    padded = line["players"]["ARC"].token + " "
    token = {"facilitator": facilitator.token, "unknown": "not-a-token", "padded": padded}[who]
    request = {"token": token, "body": {"text": "Staff on the line."}}
    try:
        status, _headers, answer = await call("POST", line["path"], app=line["app"], **request)
    finally:
        await line["app"].close()
    assert line["django"].requests == 1
    assert status in (401, 403), answer
    assert (status, answer) == (await call("POST", line["path"], app=django_asgi_app, **request))[::2]
    assert await database_sync_to_async(Message.objects.count)() == 0


@pytest.mark.parametrize("end", ["expired", "revoked"])
async def test_an_expired_or_revoked_player_token_sends_nothing(line, end):
    token = line["players"]["ARC"].token
    change = {"expires_at": timezone.now()} if end == "expired" else {"revoked_at": timezone.now()}
    await database_sync_to_async(ApiToken.objects.filter(digest=hash_token(token)).update)(**change)
    try:
        status, _headers, answer = await post(line, {"text": "Are you there?"})
    finally:
        await line["app"].close()
    assert status == 401, answer
    assert await database_sync_to_async(Message.objects.count)() == 0
