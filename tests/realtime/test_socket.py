"""The exercise socket: credentials, audience, replay, resume and live delivery."""

import asyncio
import json
import threading

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import close_old_connections
from django.test import Client

from exercise import events, exercises, injects
from exercise.envelopes import team_group, visible_after
from exercise.models import Event
from realtime import consumers
from realtime.consumers import HOLD_SECONDS, ExerciseConsumer
from tests import builders
from tests.realtime.sockets import open_socket, receive_close, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def room(exercise, facilitator):
    """A draft exercise with a player in ARC and one in BOR, and their tokens."""
    teams = {t.key: t for t in exercise.teams.all()}
    return {
        "exercise": exercise,
        "facilitator": facilitator,
        "ARC": builders.player(teams["ARC"], "Col. Amsel"),
        "BOR": builders.player(teams["BOR"], "Cdr. Brandt"),
        "CAL": builders.player(teams["CAL"], "Maj. Corvo"),
    }


def start(room) -> Event:
    exercises.change_status(caller=room["facilitator"].caller, exercise_id=room["exercise"].pk, transition="start")
    return Event.objects.get(exercise=room["exercise"], kind="exercise.started")


def adhoc(room, to, title="Ad-hoc update") -> Event:
    return injects.send_adhoc(
        caller=room["facilitator"].caller,
        exercise_id=room["exercise"].pk,
        title=title,
        body="**Bold** <script>x</script>",
        kind="other",
        severity="low",
        to=to,
    )


def skip(room, key: str) -> Event:
    caller = room["facilitator"].caller
    return injects.skip(caller=caller, exercise_id=room["exercise"].pk, key=key, reason="Time is short")


async def test_token_socket_replays_then_delivers_live(room):
    started = await database_sync_to_async(start)(room)
    socket = await open_socket(room["exercise"].pk, token=room["ARC"].token)
    [first] = await receive_until(socket, started.seq)
    assert first["kind"] == "exercise.started"
    assert first["prev"] == 0
    live = await database_sync_to_async(adhoc)(room, ["ARC"])
    [frame] = await receive_until(socket, live.seq)
    assert frame["seq"] == live.seq
    assert frame["prev"] == started.seq
    assert frame["data"]["body_html"] == "<p><strong>Bold</strong> </p>"
    assert frame["actor"]["role"] == "facilitator"
    await socket.disconnect()


@pytest.mark.parametrize("token", ["", "not-a-token"])
async def test_missing_or_bad_credentials_close_4401_before_any_event(room, token):
    await database_sync_to_async(start)(room)
    socket = await open_socket(room["exercise"].pk, token=token)
    assert await receive_close(socket) == 4401


async def test_player_of_another_exercise_is_refused(room, facilitator, scenario):
    other = await database_sync_to_async(lambda: builders.exercise(facilitator.caller, scenario))()
    socket = await open_socket(other.pk, token=room["ARC"].token)
    assert await receive_close(socket) == 4403


@pytest.mark.parametrize("after", ["%C2%B2", "-1", "1e3", "9" * 25])
async def test_an_after_that_is_not_a_seq_closes_4400_before_any_event(room, after):
    await database_sync_to_async(start)(room)
    socket = await open_socket(room["exercise"].pk, token=room["ARC"].token, after=after)
    assert await receive_close(socket) == 4400


async def test_unknown_exercise_closes_4404(room):
    socket = await open_socket(999_999, token=room["facilitator"].token)
    assert await receive_close(socket) == 4404


async def test_the_socket_is_read_only(room):
    socket = await open_socket(room["exercise"].pk, token=room["ARC"].token)
    await socket.send_to(text_data='{"kind": "inject.released"}')
    assert await receive_close(socket) == 4400


def session_cookie(room) -> str:
    client = Client()
    client.post("/join/", {"code": room["exercise"].teams.get(key="BOR").join_code, "name": "Lt. Dahl"})
    return client.cookies["sessionid"].value


@pytest.mark.parametrize(
    "origin",
    [
        None,
        "https://evil.example",
        "http://localhost:9000",  # another port on our host
        "https://localhost:8000",  # another scheme
        "http://localhost",
        "http://evil.example:8000",
    ],
)
async def test_a_session_socket_from_another_origin_is_refused(room, origin):
    cookie = await database_sync_to_async(session_cookie)(room)
    await database_sync_to_async(start)(room)
    headers = [(b"cookie", f"sessionid={cookie}".encode()), (b"host", b"localhost:8000")]
    if origin:
        headers.append((b"origin", origin.encode()))
    socket = await open_socket(room["exercise"].pk, headers=headers)
    assert await receive_close(socket) == 4403


@pytest.mark.parametrize(
    ("host", "origin", "settings_change"),
    [
        ("localhost:8000", "http://localhost:8000", {}),
        ("parley.example", "https://console.example", {"CSRF_TRUSTED_ORIGINS": ["https://console.example"]}),
        ("localhost:8000", "https://localhost:8000", {"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")}),
    ],
)
async def test_a_session_socket_from_its_own_or_a_trusted_origin_streams(room, settings, host, origin, settings_change):
    for name, value in settings_change.items():
        setattr(settings, name, value)
    cookie = await database_sync_to_async(session_cookie)(room)
    await database_sync_to_async(start)(room)
    headers = [(b"cookie", f"sessionid={cookie}".encode()), (b"host", host.encode()), (b"origin", origin.encode())]
    headers.append((b"x-forwarded-proto", b"https"))  # heeded only where the proxy setting says so
    socket = await open_socket(room["exercise"].pk, headers=headers)
    [frame] = await receive_until(socket, 1)
    assert frame["kind"] == "exercise.started"
    await socket.disconnect()


async def test_each_recipient_sees_its_audience_with_its_own_prev(room):
    started = await database_sync_to_async(start)(room)
    sockets = {
        key: await open_socket(room["exercise"].pk, token=room[key].token, after=started.seq) for key in ("ARC", "BOR")
    }
    staff = await open_socket(room["exercise"].pk, token=room["facilitator"].token, after=started.seq)
    to_arc = await database_sync_to_async(adhoc)(room, ["ARC"], "For Arcadia only")
    to_all = await database_sync_to_async(adhoc)(room, "all", "For everyone")
    staff_only = await database_sync_to_async(skip)(room, "I1")

    arc = await receive_until(sockets["ARC"], to_all.seq)
    bor = await receive_until(sockets["BOR"], to_all.seq)
    seen_by_staff = await receive_until(staff, staff_only.seq)
    assert [(f["seq"], f["prev"]) for f in arc] == [(to_arc.seq, started.seq), (to_all.seq, to_arc.seq)]
    assert [(f["seq"], f["prev"]) for f in bor] == [(to_all.seq, started.seq)]
    assert [f["seq"] for f in seen_by_staff] == [to_arc.seq, to_all.seq, staff_only.seq]
    assert [f["prev"] for f in seen_by_staff] == [to_arc.seq - 1, to_all.seq - 1, staff_only.seq - 1]
    for key in ("ARC", "BOR"):
        assert await sockets[key].receive_nothing(timeout=0.3), f"{key} received a staff-only event"
        await sockets[key].disconnect()
    await staff.disconnect()


async def test_resume_after_a_seq_sends_only_what_came_later(room):
    started = await database_sync_to_async(start)(room)
    first = await database_sync_to_async(adhoc)(room, ["ARC"], "First")
    second = await database_sync_to_async(adhoc)(room, ["ARC"], "Second")
    socket = await open_socket(room["exercise"].pk, token=room["ARC"].token, after=first.seq)
    [frame] = await receive_until(socket, second.seq)
    assert (frame["seq"], frame["prev"]) == (second.seq, first.seq)
    assert started.seq < first.seq
    await socket.disconnect()


async def test_resuming_past_the_teams_own_last_event_reads_the_log_once(room, monkeypatch):
    """A socket resumed after a seq its team never saw gets the next event live, with no
    gap-healing read: the event's prev is the team's last event, which is behind it."""
    await database_sync_to_async(start)(room)
    others = await database_sync_to_async(adhoc)(room, ["BOR"], "Only for BOR")
    reads = counting_log_reads(monkeypatch)
    socket = await open_socket(room["exercise"].pk, token=room["ARC"].token, after=others.seq)
    assert await socket.receive_nothing(timeout=0.2)
    live = await database_sync_to_async(adhoc)(room, ["ARC"], "For ARC")
    [frame] = await receive_until(socket, live.seq)
    assert frame["prev"] < others.seq
    assert reads == [None]  # the replay at connect, nothing since
    await socket.disconnect()


def append_many(exercise, count: int, team=None) -> None:
    """Append events one transaction at a time, as concurrent commands would."""
    try:
        for n in range(count):
            builders.logged(exercise, n, team)
    finally:
        close_old_connections()


async def test_resume_while_events_are_appended_has_no_gaps_or_duplicates(room):
    """A writer appends while the socket replays the log and then goes live."""
    exercise = room["exercise"]
    arc = await database_sync_to_async(exercise.teams.get)(key="ARC")
    await database_sync_to_async(append_many)(exercise, 40, arc)
    writer = threading.Thread(target=append_many, args=(exercise, 60, arc))
    writer.start()
    socket = await open_socket(exercise.pk, token=room["ARC"].token, after=10)
    while writer.is_alive():
        await database_sync_to_async(writer.join)(0.05)
    last = await database_sync_to_async(lambda: exercise.events.order_by("-seq").first().seq)()
    frames = await receive_until(socket, last, timeout=10)
    expected = await database_sync_to_async(lambda: [e["seq"] for e in visible_after(exercise, arc, 10)])()
    assert last == 100
    assert [f["seq"] for f in frames] == expected == list(range(11, 101))
    assert all(f["prev"] == p for f, p in zip(frames, [10, *expected], strict=False))
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_layer_that_drops_messages_loses_nothing(room, redis_url, settings):
    """channels-redis drops group messages for a full channel; the socket heals from `prev`."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url], "capacity": 3, "prefix": "parley-drop-test"},
        }
    }
    exercise = room["exercise"]
    arc = await database_sync_to_async(exercise.teams.get)(key="ARC")
    socket = await open_socket(exercise.pk, token=room["ARC"].token)
    await database_sync_to_async(append_many)(exercise, 1, arc)
    frames = await receive_until(socket, 1)  # subscribed and live
    # Append from another thread while this event loop is blocked: the consumer cannot
    # read its channel, so it fills at three messages and the layer drops the rest.
    writer = threading.Thread(target=append_many, args=(exercise, 20, arc))
    writer.start()
    writer.join()
    await database_sync_to_async(append_many)(exercise, 1, arc)
    frames += await receive_until(socket, 22)
    assert [f["seq"] for f in frames] == list(range(1, 23))
    assert [f["prev"] for f in frames] == list(range(0, 22))
    await socket.disconnect()


def counting_log_reads(monkeypatch) -> list:
    """The ``before`` of each read of the log the sockets make from now on."""
    reads: list = []
    read_log = consumers.read_log

    def counted(exercise_id, team, after, prev, before, size):  # type: ignore[no-untyped-def]
        reads.append(before)
        return read_log(exercise_id, team, after, prev, before, size)

    monkeypatch.setattr(consumers, "read_log", counted)
    return reads


def live(group: str, seq: int, prev: int, text: str | None = None) -> dict:
    """A group message as events.send_all sends it."""
    text = text or json.dumps({"seq": seq, "prev": prev})
    return {"type": "event.message", "group": group, "seq": seq, "prev": prev, "text": text}


async def test_crossed_broadcasts_are_sent_in_order_without_reading_the_log(room, monkeypatch):
    """Two commands commit in turn but their broadcasts cross: the later waits for the earlier."""
    started = await database_sync_to_async(start)(room)
    reads = counting_log_reads(monkeypatch)
    socket = await open_socket(room["exercise"].pk, token=room["ARC"].token, after=started.seq - 1)
    await receive_until(socket, started.seq)  # the replay: the socket is in its group
    group = team_group(room["exercise"].pk, room["ARC"].player.team_id)
    layer = get_channel_layer()
    await layer.group_send(group, live(group, started.seq + 2, started.seq + 1))
    await layer.group_send(group, live(group, started.seq + 1, started.seq))
    frames = await receive_until(socket, started.seq + 2)
    assert [(frame["seq"], frame["prev"]) for frame in frames] == [
        (started.seq + 1, started.seq),
        (started.seq + 2, started.seq + 1),
    ]
    await asyncio.sleep(HOLD_SECONDS * 2)  # no read after the hold either
    assert reads == [None]
    await socket.disconnect()


async def test_an_event_whose_predecessor_never_comes_is_healed_from_the_log(room, monkeypatch):
    started = await database_sync_to_async(start)(room)
    reads = counting_log_reads(monkeypatch)
    socket = await open_socket(room["exercise"].pk, token=room["ARC"].token, after=started.seq - 1)
    await receive_until(socket, started.seq)
    monkeypatch.setattr(events, "broadcast", lambda event, prevs: None)  # the layer drops both
    first = await database_sync_to_async(adhoc)(room, ["ARC"], "Dropped on the way")
    second = await database_sync_to_async(adhoc)(room, ["ARC"], "Arrives")
    logged = await database_sync_to_async(lambda: list(visible_after(room["exercise"], None, second.seq - 1)))()
    text = json.dumps(logged[0])
    group = team_group(room["exercise"].pk, room["ARC"].player.team_id)
    await get_channel_layer().group_send(group, live(group, second.seq, first.seq, text))
    frames = await receive_until(socket, second.seq)
    assert [frame["seq"] for frame in frames] == [first.seq, second.seq]
    assert reads == [None, second.seq + 1]  # the replay, then the heal up to the held event
    await socket.disconnect()


async def test_a_hold_whose_timer_never_fires_is_healed_by_the_next_event(room, monkeypatch):
    """If the hold's timer never fires (a stalled loop), the next event heals."""
    started = await database_sync_to_async(start)(room)
    socket = await open_socket(room["exercise"].pk, token=room["ARC"].token, after=started.seq - 1)
    await receive_until(socket, started.seq)

    async def lost(self, hold):  # type: ignore[no-untyped-def]
        return None

    monkeypatch.setattr(ExerciseConsumer, "_hold_expires", lost)
    monkeypatch.setattr(events, "broadcast", lambda event, prevs: None)  # the layer drops all three
    dropped = [await database_sync_to_async(adhoc)(room, ["ARC"], f"Update {n}") for n in range(3)]
    group = team_group(room["exercise"].pk, room["ARC"].player.team_id)
    layer = get_channel_layer()
    await layer.group_send(group, live(group, dropped[1].seq, dropped[0].seq))
    assert await socket.receive_nothing(timeout=HOLD_SECONDS * 5)  # held, and past its time
    await layer.group_send(group, live(group, dropped[2].seq, dropped[1].seq))
    frames = await receive_until(socket, dropped[2].seq)
    assert [frame["seq"] for frame in frames] == [event.seq for event in dropped]
    await socket.disconnect()
