"""Hotline messages written on the event loop (players.hotline_http, the database function)
chain like every other event: the log verifies after a burst of them among other commands."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from exercise import chain
from exercise.models import Event, Exercise
from tests.api.test_hotline_http import line, post  # noqa: F401  (line is a fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def test_messages_sent_at_once_on_the_fast_path_leave_a_whole_chain(line):  # noqa: F811
    try:
        answers = await asyncio.gather(
            *(post(line, {"text": f"Message {n}"}, sender="ARC" if n % 2 else "BOR") for n in range(12))
        )
    finally:
        await line["app"].close()
    assert [answer[0] for answer in answers] == [201] * 12
    assert line["django"].requests == 0  # every one written by the database function

    def checked() -> tuple[dict, list[str]]:
        exercise = Exercise.objects.get(pk=line["exercise"].pk)
        hashes = list(exercise.events.order_by("seq").values_list("hash", flat=True))
        return chain.check(exercise), hashes

    result, hashes = await database_sync_to_async(checked)()
    assert result == {"ok": True, "events": len(hashes), "head": hashes[-1]}
    count = await database_sync_to_async(Event.objects.filter(kind="hotline.message").count)()
    assert count == 12
