"""The yardstick: a bare Channels relay of hotline messages, on Parley's channel layer.

    uvicorn --factory bench.hotline.bare:make_application

``POST /hotlines/{line}/messages`` with ``{text, client_id, from, to}`` (team keys) does
what Parley's broadcast does after its commit and nothing else: it wraps the text in an
envelope of Parley's shape and size and ``group_send``s it to the two teams' groups and
to the staff group (three sends, like Parley), then answers 201. No database, no Django
request cycle, no thread: an async Channels HTTP consumer. Each socket joins the group
named in its query string and forwards every group message's text. (The fan-out
benchmark has a consumer like it, but it is still changing; this one stays put.)
"""

import itertools
import json
import os
from datetime import UTC, datetime
from urllib.parse import parse_qs

import django
from channels.generic.http import AsyncHttpConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter
from django.conf import settings

LAYER = "channels_redis.pubsub.RedisPubSubChannelLayer"  # as Parley's production settings

STAFF_GROUP = "bench.hotline.staff"
_numbers = itertools.count(1)  # per process; ids only need to be unique per server process


def team_group(key: str) -> str:
    return f"bench.hotline.{key}"


def envelope(number: int, line: int, body: dict) -> str:
    """Parley's hotline.message envelope, with made-up seq, prev and ids."""
    data = {
        "hotline": line,
        "from": body["from"],
        "to": body["to"],
        "status": "open",
        "text": body["text"],
        "message": number,
    }
    return json.dumps(
        {
            "seq": number,
            "prev": number - 1,
            "kind": "hotline.message",
            "at": datetime.now(UTC).isoformat(),
            "exercise_time": 0.0,
            "actor": {"team": body["from"], "player": "Bench player"},
            "data": data,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


class GroupSocket(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.group = parse_qs(self.scope["query_string"].decode("latin1"))["group"][0]
        await self.accept()
        await self.channel_layer.group_add(self.group, self.channel_name)

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def bench_message(self, message: dict) -> None:
        await self.send(text_data=message["text"])


class RelayConsumer(AsyncHttpConsumer):
    async def handle(self, body: bytes) -> None:
        path = self.scope["path"].strip("/").split("/")  # hotlines/{line}/messages
        if self.scope["method"] != "POST" or len(path) != 3 or not path[1].isdigit():
            await self.send_response(404, b"{}", headers=[(b"Content-Type", b"application/json")])
            return
        message = json.loads(body)
        number = next(_numbers)
        text = envelope(number, int(path[1]), message)
        for group in (team_group(message["from"]), team_group(message["to"]), STAFF_GROUP):
            await self.channel_layer.group_send(group, {"type": "bench.message", "seq": number, "text": text})
        answer = json.dumps({"id": number, "hotline": int(path[1]), "from": message["from"], "seq": number})
        await self.send_response(201, answer.encode(), headers=[(b"Content-Type", b"application/json")])


def make_application():  # type: ignore[no-untyped-def]
    if not settings.configured:
        layer = {"BACKEND": LAYER, "CONFIG": {"hosts": [os.environ["REDIS_URL"]]}}
        settings.configure(CHANNEL_LAYERS={"default": layer})
        django.setup()
    return ProtocolTypeRouter({"http": RelayConsumer.as_asgi(), "websocket": GroupSocket.as_asgi()})
