"""Live events reach a server process's sockets through one subscription per group
(realtime.fanout), on the production layer (channels-redis pub/sub, real Redis)."""

import asyncio
import json
import os
import threading

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import close_old_connections
from django.test import override_settings

from exercise import broadcast_loop, exercises, injects
from exercise.envelopes import staff_group, team_group
from exercise.models import Event
from realtime.fanout import fanout
from tests import builders
from tests.realtime.sockets import open_socket, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def pubsub_layer(redis_url):
    layers = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [redis_url]}}}
    with override_settings(CHANNEL_LAYERS=layers):
        yield get_channel_layer()


@pytest.fixture
def players(exercise):
    teams = {team.key: team for team in exercise.teams.all()}
    return {
        "ARC": [builders.player(teams["ARC"], f"Arc {n}") for n in range(3)],
        "BOR": [builders.player(teams["BOR"], "Bor 1")],
    }


def start(exercise, facilitator) -> Event:
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    return Event.objects.get(exercise=exercise, kind="exercise.started")


def adhoc(exercise, facilitator, to) -> Event:
    return injects.send_adhoc(
        caller=facilitator.caller,
        exercise_id=exercise.pk,
        title="Update",
        body="Body",
        kind="other",
        severity="low",
        to=to,
    )


async def test_a_teams_sockets_share_one_subscription_and_each_gets_its_events_once(
    pubsub_layer, exercise, facilitator, players
):
    started = await database_sync_to_async(start)(exercise, facilitator)
    staff = await open_socket(exercise.pk, token=facilitator.token, after=started.seq)
    arc = [await open_socket(exercise.pk, token=p.token, after=started.seq) for p in players["ARC"]]
    bor = await open_socket(exercise.pk, token=players["BOR"][0].token, after=started.seq)
    teams = {team.key: team.pk for team in await database_sync_to_async(list)(exercise.teams.all())}

    # One layer channel for the process, in each group once: none per socket.
    loop_layer = pubsub_layer._get_layer()
    assert list(loop_layer.channels) == [fanout().channel]
    groups = [staff_group(exercise.pk), team_group(exercise.pk, teams["ARC"]), team_group(exercise.pk, teams["BOR"])]
    assert sorted(loop_layer.groups) == sorted(f"asgi__group__{group}" for group in groups)
    assert all(members == {fanout().channel} for members in loop_layer.groups.values())

    to_arc = await database_sync_to_async(adhoc)(exercise, facilitator, ["ARC"])
    to_all = await database_sync_to_async(adhoc)(exercise, facilitator, "all")
    for socket in arc:
        frames = await receive_until(socket, to_all.seq)
        assert [(f["seq"], f["prev"]) for f in frames] == [(to_arc.seq, started.seq), (to_all.seq, to_arc.seq)]
    frames = await receive_until(bor, to_all.seq)
    assert [(f["seq"], f["prev"]) for f in frames] == [(to_all.seq, started.seq)]  # not ARC's
    frames = await receive_until(staff, to_all.seq)
    assert [f["seq"] for f in frames] == [to_arc.seq, to_all.seq]
    for socket in [staff, *arc, bor]:
        assert await socket.receive_nothing(timeout=0.2)
        await socket.disconnect()


async def test_the_last_socket_to_leave_ends_the_subscriptions(pubsub_layer, exercise, facilitator, players):
    started = await database_sync_to_async(start)(exercise, facilitator)
    first, second = [await open_socket(exercise.pk, token=p.token, after=started.seq) for p in players["ARC"][:2]]
    loop_layer = pubsub_layer._get_layer()
    await first.disconnect()
    assert len(loop_layer.groups) == 1  # the second socket still listens
    event = await database_sync_to_async(adhoc)(exercise, facilitator, ["ARC"])
    assert [f["seq"] for f in await receive_until(second, event.seq)] == [event.seq]
    await second.disconnect()
    assert loop_layer.groups == {}
    assert fanout().channel is None

    # A socket that comes afterwards subscribes afresh.
    third = await open_socket(exercise.pk, token=players["ARC"][2].token, after=event.seq)
    later = await database_sync_to_async(adhoc)(exercise, facilitator, ["ARC"])
    frame = json.loads(await third.receive_from(timeout=5))
    assert (frame["seq"], frame["prev"]) == (later.seq, event.seq)
    await third.disconnect()


async def test_broadcasts_from_a_plain_thread_share_one_loop_and_arrive_in_order(
    pubsub_layer, exercise, facilitator, players
):
    """As Celery's worker makes them: outside any server loop, so on the process's own loop."""
    started = await database_sync_to_async(start)(exercise, facilitator)
    socket = await open_socket(exercise.pk, token=players["ARC"][0].token, after=started.seq)
    sent: list[Event] = []

    def release_three() -> None:
        try:
            sent.extend(adhoc(exercise, facilitator, ["ARC"]) for _ in range(3))
        finally:
            close_old_connections()

    worker = threading.Thread(target=release_three)
    worker.start()
    await asyncio.to_thread(worker.join)
    frames = await receive_until(socket, sent[-1].seq)
    assert [f["seq"] for f in frames] == [event.seq for event in sent]
    other_loops = [loop for loop in pubsub_layer._layers if loop is not asyncio.get_running_loop()]
    assert other_loops == [broadcast_loop._loops[os.getpid()]]
    assert other_loops[0].is_running()
    await socket.disconnect()
