"""Sockets reconnecting all at once, as after a server restart, and a socket resuming far
behind: replays shared between the sockets of one audience, read a page at a time, and
still every socket gets exactly its audience's events, once, in order."""

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async
from django.db import close_old_connections

from exercise import exercises, presence
from exercise.envelopes import visible_after
from realtime import consumers
from tests import builders
from tests.realtime.sockets import database_thread_held, open_socket, receive_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def started_with_players(exercise, facilitator, per_team: int) -> dict:
    """The exercise started, ``per_team`` player tokens in ARC and in BOR, the teams."""
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    teams = {team.key: team for team in exercise.teams.filter(key__in=["ARC", "BOR"])}
    tokens = {key: [builders.player(team, f"{key} {n}").token for n in range(per_team)] for key, team in teams.items()}
    return {"teams": teams, "tokens": tokens}


def append_for(exercise, teams: list, count: int) -> None:
    """``count`` events for each of ``teams`` in turn, and a staff note, each committed alone."""
    try:
        for n in range(count):
            for team in teams:
                builders.logged(exercise, n, team)
            builders.logged(exercise, n)
    finally:
        close_old_connections()


def recording_reads(monkeypatch) -> list[tuple[int | None, int]]:
    """The (team id, after) of every read of the log the sockets make from now on."""
    reads: list[tuple[int | None, int]] = []
    read_log = consumers.read_log

    def recorded(exercise_id, team, after, prev, before, size):  # type: ignore[no-untyped-def]
        reads.append((None if team is None else team.pk, after))
        return read_log(exercise_id, team, after, prev, before, size)

    monkeypatch.setattr(consumers, "read_log", recorded)
    return reads


async def present(exercise, facilitator) -> tuple[int, int]:
    """The sockets counted present in ARC and in BOR."""

    def counts() -> tuple[int, int]:
        teams = presence.connected(caller=facilitator.caller, exercise=exercise)["teams"]
        return teams["ARC"], teams["BOR"]

    return await database_sync_to_async(counts)()


async def expected_seqs(exercise, team) -> list[int]:
    return await database_sync_to_async(lambda: [item["seq"] for item in visible_after(exercise, team, 0)])()


async def test_sockets_of_two_teams_connecting_at_once_each_get_their_teams_events_once_in_order(
    exercise, facilitator, monkeypatch
):
    room = await database_sync_to_async(started_with_players)(exercise, facilitator, per_team=6)
    arc, bor = room["teams"]["ARC"], room["teams"]["BOR"]
    await database_sync_to_async(append_for)(exercise, [arc, bor], 5)
    reads = recording_reads(monkeypatch)
    async with database_thread_held():  # every socket's admission and replay queue behind it
        opening = [
            asyncio.ensure_future(open_socket(exercise.pk, token=token))
            for key in ("ARC", "BOR")
            for token in room["tokens"][key]
        ]
        # Events committed while the sockets connect and replay, from a thread of their own.
        writer = threading.Thread(target=append_for, args=(exercise, [arc, bor], 5))
        writer.start()
        await asyncio.to_thread(writer.join)
    sockets = await asyncio.gather(*opening)
    assert await present(exercise, facilitator) == (6, 6)  # admitted together, counted each
    await database_sync_to_async(append_for)(exercise, [arc, bor], 2)  # and live ones after
    for team, team_sockets in ((arc, sockets[:6]), (bor, sockets[6:])):
        expected = await expected_seqs(exercise, team)
        for socket in team_sockets:
            frames = await receive_until(socket, expected[-1])
            assert [frame["seq"] for frame in frames] == expected
            assert [frame["prev"] for frame in frames] == [0, *expected[:-1]]
            assert await socket.receive_nothing(timeout=0.2)
            await socket.disconnect()
    assert await present(exercise, facilitator) == (0, 0)
    # Each read was its own team's (shared or not), and none was made for more than asked.
    assert {team for team, _after in reads} == {arc.pk, bor.pk}
    assert len(reads) <= len(sockets)


async def test_a_socket_far_behind_gets_every_page_once_in_order(exercise, facilitator, monkeypatch):
    """Pages of 7 (the real size is larger), while events keep coming: the replay reads
    page after page, with the live events behind it, and sends each event once."""
    monkeypatch.setattr(consumers, "PAGE", 7)
    room = await database_sync_to_async(started_with_players)(exercise, facilitator, per_team=1)
    arc, bor = room["teams"]["ARC"], room["teams"]["BOR"]
    await database_sync_to_async(append_for)(exercise, [arc, bor], 30)
    reads = recording_reads(monkeypatch)
    writer = threading.Thread(target=append_for, args=(exercise, [arc, bor], 10))
    writer.start()
    socket = await open_socket(exercise.pk, token=room["tokens"]["ARC"][0])
    await asyncio.to_thread(writer.join)
    expected = await expected_seqs(exercise, arc)
    frames = await receive_until(socket, expected[-1])
    assert [frame["seq"] for frame in frames] == expected
    assert [frame["prev"] for frame in frames] == [0, *expected[:-1]]
    assert len(reads) >= 30 // 7  # it did read in pages
    assert await socket.receive_nothing(timeout=0.2)
    await socket.disconnect()


async def test_a_replay_ending_at_a_page_boundary_reads_the_log_once(exercise, facilitator, monkeypatch):
    """A page exactly full is not followed by a read that finds nothing."""
    room = await database_sync_to_async(started_with_players)(exercise, facilitator, per_team=1)
    arc, bor = room["teams"]["ARC"], room["teams"]["BOR"]
    await database_sync_to_async(append_for)(exercise, [arc, bor], 5)
    everything = await expected_seqs(exercise, arc)
    monkeypatch.setattr(consumers, "PAGE", len(everything))
    reads = recording_reads(monkeypatch)
    socket = await open_socket(exercise.pk, token=room["tokens"]["ARC"][0])
    frames = await receive_until(socket, everything[-1])
    assert [frame["seq"] for frame in frames] == everything
    assert reads == [(arc.pk, 0)]
    # One event more, and the same page size: two reads, every event once.
    await database_sync_to_async(append_for)(exercise, [arc], 1)
    more = await expected_seqs(exercise, arc)
    again = await open_socket(exercise.pk, token=room["tokens"]["ARC"][0])
    frames = await receive_until(again, more[-1])
    assert [frame["seq"] for frame in frames] == more
    assert reads[1:] == [(arc.pk, 0), (arc.pk, more[-2])]
    await socket.disconnect()
    await again.disconnect()


async def test_a_resume_from_the_middle_of_a_page_starts_after_it(exercise, facilitator, monkeypatch):
    monkeypatch.setattr(consumers, "PAGE", 4)
    room = await database_sync_to_async(started_with_players)(exercise, facilitator, per_team=1)
    arc, bor = room["teams"]["ARC"], room["teams"]["BOR"]
    await database_sync_to_async(append_for)(exercise, [arc, bor], 12)
    everything = await expected_seqs(exercise, arc)
    after = everything[5] + 1  # a seq ARC never saw: BOR's event after it
    socket = await open_socket(exercise.pk, token=room["tokens"]["ARC"][0], after=after)
    frames = await receive_until(socket, everything[-1])
    assert [frame["seq"] for frame in frames] == everything[6:]
    assert [frame["prev"] for frame in frames] == everything[5:-1]
    await socket.disconnect()
