"""The limits: their notation, the moving window, the client's address, and one count
for Django's views and the hotline layer on the event loop."""

import asyncio
import time

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from gateway import ratelimits
from tests import builders


@pytest.mark.parametrize(
    ("text", "count", "seconds"),
    [("30/10s", 30, 10), ("10/5m", 10, 300), ("5/h", 5, 3600), ("1/2d", 1, 172_800), ("30 per 10 seconds", 30, 10)],
)
def test_rates_read_in_the_settings_notation_and_in_limits_own(text, count, seconds):
    item = ratelimits.rate(text)
    assert (item.amount, item.get_expiry()) == (count, seconds)


def test_an_unreadable_rate_fails_the_system_checks(settings):
    settings.PLAYER_COMMAND_RATE = "thirty a second"
    with pytest.raises(SystemCheckError, match="PLAYER_COMMAND_RATE: unreadable rate"):
        call_command("check")


def act(running_arc, player: builders.Joined):
    path = f"/api/v1/exercises/{running_arc['exercise'].pk}/actions"
    body = {"kind": "public_statement", "text": "We call for calm."}
    return builders.ApiClient(Client()).post(path, body, token=player.token)


def test_the_event_loop_and_django_count_a_players_commands_together(running_arc, settings):
    settings.PLAYER_COMMAND_RATE = "3/1d"
    player = running_arc["player"]

    async def two_on_the_loop() -> list[bool]:
        commands = ratelimits.PlayerCommands()
        try:
            return [await commands.hit(player.player.pk) for _ in range(2)]
        finally:
            await commands.close()

    assert asyncio.run(two_on_the_loop()) == [True, True]
    assert act(running_arc, player).status_code == 201
    refused = act(running_arc, player)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 86_000 < int(refused["Retry-After"]) <= 86_400


def test_a_moving_window_takes_commands_again_as_the_oldest_leave_it(running_arc, settings):
    settings.PLAYER_COMMAND_RATE = "2/1s"
    player = running_arc["player"]
    assert [act(running_arc, player).status_code for _ in range(2)] == [201, 201]
    refused = act(running_arc, player)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    time.sleep(1.05)
    assert act(running_arc, player).status_code == 201


def fail_join(address: str, **headers: str) -> int:
    client = builders.ApiClient(Client(REMOTE_ADDR=address, headers=headers))
    return client.post("/api/v1/join", {"code": "NOSUCHCODE", "name": "X"}).status_code


def test_an_ipv6_client_counts_as_its_whole_64(db, settings):
    settings.JOIN_FAILURE_RATE = "2/5m"
    assert fail_join("2001:db8::1") == 404
    assert fail_join("2001:db8::2") == 404
    assert fail_join("2001:db8::ffff") == 429
    assert fail_join("2001:db8:0:1::1") == 404  # the next /64 is someone else


def test_the_address_may_come_from_the_header_a_proxy_sets(db, settings):
    settings.JOIN_FAILURE_RATE = "1/5m"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert fail_join("10.0.0.1", **{"X-Real-IP": "192.0.2.1"}) == 404
    assert fail_join("10.0.0.1", **{"X-Real-IP": "192.0.2.2"}) == 404
    assert fail_join("10.0.0.1", **{"X-Real-IP": "192.0.2.1"}) == 429


def test_a_refused_join_says_when_to_try_again(db, settings):
    settings.JOIN_FAILURE_RATE = "1/5m"
    client = builders.ApiClient(Client())
    client.post("/api/v1/join", {"code": "NOSUCHCODE", "name": "X"})
    refused = client.post("/api/v1/join", {"code": "NOSUCHCODE", "name": "X"})
    assert refused.status_code == 429
    assert 290 < int(refused["Retry-After"]) <= 300
    assert refused["Retry-After"] in refused.json()["error"]["message"]
