"""A bare Channels server, the yardstick for Parley's fan-out, and the publisher that drives it.

The server is the least a Channels app can do: a consumer that joins the group named in
its query string on connect and forwards each group message's text to its socket, on the
same channel layer class as Parley's production settings (channels-redis pub/sub). Served
by uvicorn with Parley's options, through gc_tuned.py for Parley's garbage-collector policy:

    uvicorn --factory bench.fanout.gc_tuned:bare

The publisher (``python -m bench.fanout.bare PLAN_JSON START``) follows the same release
plan as Parley's scenario: at each release it stamps the wall time and calls
``group_send`` of a ~512-byte JSON text to each targeted group (and to a staff group no
socket is in, as Parley does), from its own process as Parley's Celery worker does.
"""

import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from urllib.parse import parse_qs

import django
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from bench.fanout.workload import PAYLOAD_BYTES, Release, team_key

LAYER = "channels_redis.pubsub.RedisPubSubChannelLayer"
STAFF_GROUP = "bench.staff"


def group_name(team: int) -> str:
    return f"bench.{team_key(team)}"


class BareConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        self.group = query["group"][0]
        await self.accept()
        await self.channel_layer.group_add(self.group, self.channel_name)
        # Parley's socket replays the log once subscribed; this hello plays that part, so
        # the client can tell when the socket is live.
        await self.send(text_data=json.dumps({"seq": 0, "kind": "hello", "at": datetime.now(UTC).isoformat()}))

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def bench_message(self, message: dict) -> None:
        await self.send(text_data=message["text"])


def layer_settings() -> dict:
    return {"default": {"BACKEND": LAYER, "CONFIG": {"hosts": [os.environ["REDIS_URL"]]}}}


def make_application():  # type: ignore[no-untyped-def]
    if not settings.configured:
        settings.configure(CHANNEL_LAYERS=layer_settings())
        django.setup()
    return BareConsumer.as_asgi()


def payload(seq: int, at: datetime) -> str:
    """A JSON text of PAYLOAD_BYTES with the fields the client reads from Parley's envelopes."""
    head = {"seq": seq, "prev": seq - 1, "kind": "bench", "at": at.isoformat(), "data": {"pad": ""}}
    pad = PAYLOAD_BYTES - len(json.dumps(head, separators=(",", ":")))
    head["data"]["pad"] = "x" * max(pad, 0)
    return json.dumps(head, separators=(",", ":"))


async def publish(releases: list[Release], start: float) -> None:
    from channels_redis.pubsub import RedisPubSubChannelLayer

    layer = RedisPubSubChannelLayer(hosts=[os.environ["REDIS_URL"]])
    for seq, release in enumerate(releases, start=1):
        await asyncio.sleep(max(0.0, start + release.at - time.time()))
        text = payload(seq, datetime.now(UTC))
        for group in [*(group_name(team) for team in release.teams), STAFF_GROUP]:
            await layer.group_send(group, {"type": "bench.message", "seq": seq, "text": text})
    await layer.flush()


def main() -> None:
    releases = [Release(**{**item, "teams": tuple(item["teams"])}) for item in json.loads(sys.argv[1])]
    asyncio.run(publish(releases, float(sys.argv[2])))


if __name__ == "__main__":
    main()
