"""A live exercise in real browsers: the facilitator's page and the team pages, over the socket.

Every database call goes through ``live_server.run`` (see conftest): the test thread has
Playwright's event loop running, and the in-memory channel layer only reaches the sockets
of the server's own loop.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Dialog, Page, WebSocketRoute, expect

from exercise import exercises, injects
from exercise.models import Event
from tests import builders
from tests.browser.conftest import TIMEOUT_MS, LiveServer, expect_live, join_team, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
# The release is due 2 s after the start; the clock ticks every 0.1 s; 10 s leaves room
# for a slow machine without hiding a page that never updates.
RELEASE_TIMEOUT_MS = 10_000

BORDER_INCIDENT = {
    "key": "I1",
    "at": "2s",
    "title": "Exchange of fire at Karst Pass border post",
    "kind": "border_tension",
    "severity": "high",
    "to": ["ARC"],
    # Staff write Markdown; the server renders it and strips anything that could run.
    "body": (
        "Shots fired at the **border post**; two soldiers wounded.\n\n"
        "<script>window.parleyInjected = true; alert('script ran')</script>\n\n"
        '<img src="missing.png" onerror="window.parleyInjected = true; alert(\'handler ran\')">\n'
    ),
}
LATER_INCIDENT = {
    "key": "I2",
    "at": "1h",
    "title": "Satellite imagery of troop movements",
    "kind": "intelligence",
    "severity": "medium",
    "to": ["ARC", "BOR"],
    "body": "Imagery shows *armour* moving towards the pass.",
}


@dataclass
class Room:
    """An exercise of the Karst Pass scenario, its facilitator and the teams' join codes."""

    exercise_id: int
    facilitator: builders.Staff
    codes: dict[str, str]


def open_room(live_server: LiveServer, *scripted: dict[str, Any], started: bool = False) -> Room:
    def build() -> Room:
        facilitator = builders.staff("facilitator")
        scenario = builders.scenario(facilitator.caller, injects=list(scripted))
        exercise = builders.exercise(facilitator.caller, scenario, speed=1)
        if started:
            exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
        return Room(exercise.pk, facilitator, {team.key: team.join_code for team in exercise.teams.all()})

    return live_server.run(build)


def send_adhoc(live_server: LiveServer, room: Room, title: str, to: Any = ("ARC",)) -> Event:
    """The facilitator sends an ad-hoc inject through the service, as the page's form does."""
    return live_server.run(
        lambda: injects.send_adhoc(
            caller=room.facilitator.caller,
            exercise_id=room.exercise_id,
            title=title,
            body=f"Update: **{title}**.",
            kind="other",
            severity="low",
            to=to if to == "all" else list(to),
        )
    )


def record_dialogs(page: Page) -> list[str]:
    """Every alert/confirm the page opens; a listener must dismiss them or the page hangs."""
    opened: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def record_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def mark_unreloaded(page: Page) -> None:
    """A flag in the page's window: it survives live updates and vanishes on any reload."""
    page.evaluate("window.parleyNotReloaded = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.parleyNotReloaded") is True, "the page was reloaded"


def feed_items(page: Page):
    return page.locator("[data-feed] > article")


def feed_seqs(page: Page) -> list[int]:
    return [int(seq) for seq in feed_items(page).evaluate_all("items => items.map(i => i.dataset.seq)")]


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True, animations="disabled")


def test_scripted_inject_reaches_its_team_live_and_no_other_team(live_server, open_page):
    room = open_room(live_server, BORDER_INCIDENT, LATER_INCIDENT)
    facilitator = open_page()
    sign_in(facilitator, room.facilitator)
    facilitator.goto(f"/facilitator/exercises/{room.exercise_id}/")
    expect_live(facilitator)

    arcadia, borealis = open_page(), open_page()
    dialogs = {"ARC": record_dialogs(arcadia), "BOR": record_dialogs(borealis)}
    errors = {"ARC": record_errors(arcadia), "BOR": record_errors(borealis)}
    join_team(arcadia, code=room.codes["ARC"], name="Col. Amsel")
    join_team(borealis, code=room.codes["BOR"], name="Cdr. Brandt")
    for player in (arcadia, borealis):
        expect_live(player)
        expect(feed_items(player)).to_have_count(0)
        mark_unreloaded(player)

    mark_unreloaded(facilitator)
    facilitator.get_by_role("button", name="Start", exact=True).click()
    # The form posts to the API and the page stays: the start comes back over the socket.
    expect(facilitator.get_by_role("status").filter(has_text="The exercise is now running.")).to_be_visible()
    expect(facilitator.locator("[data-clock-status]")).to_have_text("running")
    status = facilitator.locator('tr[data-inject="I1"] [data-inject-status]')
    # Right after the start, two seconds before the inject is due; if this fails the
    # machine is too slow for the test to tell a live update from the first state.
    expect(status).to_have_text("pending", timeout=1_500)

    item = feed_items(arcadia)
    expect(item).to_have_count(1, timeout=RELEASE_TIMEOUT_MS)
    expect(item.get_by_role("heading", name=BORDER_INCIDENT["title"])).to_be_visible()
    expect(item).to_have_class(re.compile(r"\bseverity-high\b"))
    expect(item.locator(".body strong")).to_have_text("border post")
    expect(arcadia.locator("[data-feed] script, [data-feed] [onerror]")).to_have_count(0)
    assert_not_reloaded(arcadia)

    expect(status).to_have_text("released", timeout=RELEASE_TIMEOUT_MS)
    expect(status).to_have_class(re.compile(r"\binject-released\b"))
    expect(facilitator.locator('tr[data-inject="I1"]').get_by_role("button", name="Release now")).to_have_count(0)
    expect(facilitator.locator("[data-feed]")).to_contain_text("inject.released")
    assert_not_reloaded(facilitator)

    # Borealis is not in the inject's `to`. Events reach a page in seq order, so once a
    # later inject for everyone is on its feed, the border incident would be there too.
    send_adhoc(live_server, room, "Weather closes the pass", to="all")
    expect(feed_items(borealis)).to_have_count(1)
    expect(feed_items(borealis)).to_contain_text("Weather closes the pass")
    expect(borealis.locator("[data-feed]")).not_to_contain_text(BORDER_INCIDENT["title"])
    assert_not_reloaded(borealis)

    expect(feed_items(arcadia)).to_have_count(2)
    assert arcadia.evaluate("window.parleyInjected") is None, "markup in the inject body ran"
    assert dialogs == {"ARC": [], "BOR": []}
    assert errors == {"ARC": [], "BOR": []}

    # For the documentation, the team page as a player opening it now sees it: the feed is
    # rebuilt from the log, and the pre-start notice is gone (see the test below).
    arcadia.reload()
    expect_live(arcadia)
    expect(feed_items(arcadia)).to_have_count(2)
    screenshot(arcadia, "team-page.png")


def test_team_page_drops_the_not_started_notice_when_the_exercise_starts(live_server, open_page):
    room = open_room(live_server, LATER_INCIDENT)
    player = open_page()
    join_team(player, code=room.codes["ARC"], name="Col. Amsel")
    expect_live(player)
    notice = player.get_by_text("The exercise has not started yet")
    expect(notice).to_be_visible()

    live_server.run(
        lambda: exercises.change_status(
            caller=room.facilitator.caller, exercise_id=room.exercise_id, transition="start"
        )
    )
    expect(player.locator("[data-clock-status]")).to_have_text("running")
    expect(notice).to_be_hidden(timeout=5_000)


def test_page_that_lost_its_connection_catches_up_from_its_last_seq(live_server, open_page):
    room = open_room(live_server, LATER_INCIDENT, started=True)
    player = open_page()
    errors = record_errors(player)
    # Chromium's offline emulation (context.set_offline) fires the offline event but keeps
    # an open WebSocket open, only holding its frames back, so alone it never makes the
    # page resume. To lose the connection for certain, the page's sockets go through a
    # route that forwards everything to the real server and lets the test drop one, as a
    # dead network does; going offline first keeps the page from reconnecting at once.
    routes: list[WebSocketRoute] = []

    def forward(page_side: WebSocketRoute) -> None:
        page_side.connect_to_server()
        routes.append(page_side)

    player.route_web_socket(re.compile(r"/ws/exercises/"), forward)
    join_team(player, code=room.codes["ARC"], name="Col. Amsel")
    expect_live(player)
    mark_unreloaded(player)
    # "Live" comes with the socket's open; the replay of the start follows it.
    expect(player.locator("html")).to_have_attribute("data-last-seq", re.compile(r"^[1-9]\d*$"))
    seen = int(player.evaluate("document.documentElement.dataset.lastSeq"))

    player.context.set_offline(True)
    expect(player.locator("[data-connection]")).to_have_text("Offline")
    # Closing the page's end; Playwright forwards the close to the server's end.
    routes[-1].close(code=1001, reason="network lost")
    first = send_adhoc(live_server, room, "Border post reinforced")
    second = send_adhoc(live_server, room, "Casualties evacuated")
    expect(player.locator("[data-connection]")).to_have_text("Offline")

    with player.expect_websocket(timeout=TIMEOUT_MS) as reconnected:
        player.context.set_offline(False)
    assert reconnected.value.url.endswith(f"?after={seen}"), "the page must resume from the last seq it holds"
    expect_live(player)
    expect(feed_items(player)).to_have_count(2)
    expect(feed_items(player).get_by_role("heading")).to_have_text(["Casualties evacuated", "Border post reinforced"])
    assert feed_seqs(player) == [second.seq, first.seq]

    # Anything delivered twice would arrive before a later event, which arrives live.
    third = send_adhoc(live_server, room, "Ceasefire holds")
    expect(feed_items(player)).to_have_count(3)
    assert feed_seqs(player) == [third.seq, second.seq, first.seq]
    assert_not_reloaded(player)
    assert errors == []


def test_badge_returns_to_live_when_the_network_returns_and_the_socket_survived(live_server, open_page):
    room = open_room(live_server, LATER_INCIDENT, started=True)
    player = open_page()
    join_team(player, code=room.codes["ARC"], name="Col. Amsel")
    expect_live(player)

    # A short outage (Chromium's offline emulation keeps the socket, holding frames back).
    player.context.set_offline(True)
    expect(player.locator("[data-connection]")).to_have_text("Offline")
    first = send_adhoc(live_server, room, "Border post reinforced")
    second = send_adhoc(live_server, room, "Casualties evacuated")
    player.context.set_offline(False)

    expect(feed_items(player)).to_have_count(2)
    assert feed_seqs(player) == [second.seq, first.seq]
    expect_live(player, timeout=5_000)


def test_release_now_releases_a_pending_inject_once(live_server, open_page):
    room = open_room(live_server, BORDER_INCIDENT | {"at": "1h"}, LATER_INCIDENT, started=True)
    player = open_page()
    join_team(player, code=room.codes["ARC"], name="Col. Amsel")
    expect_live(player)
    mark_unreloaded(player)

    facilitator = open_page()
    sign_in(facilitator, room.facilitator)
    facilitator.goto(f"/facilitator/exercises/{room.exercise_id}/")
    # A second tab of the same facilitator, left open: it must not offer the release either.
    other_tab = facilitator.context.new_page()
    other_tab.goto(f"/facilitator/exercises/{room.exercise_id}/")
    for page in (facilitator, other_tab):
        expect_live(page)
    mark_unreloaded(other_tab)
    row = facilitator.locator('tr[data-inject="I1"]')
    expect(row.locator("[data-inject-status]")).to_have_text("pending")

    row.get_by_role("button", name="Release now").click()
    expect(
        facilitator.get_by_role("status").filter(has_text=re.compile(r"^Inject I1 released at 00:\d\d\.$"))
    ).to_be_visible()
    expect(row.locator("[data-inject-status]")).to_have_text("released")
    expect(row.get_by_role("button", name="Release now")).to_have_count(0)
    other_row = other_tab.locator('tr[data-inject="I1"]')
    expect(other_row.locator("[data-inject-status]")).to_have_text("released")
    expect(other_row.get_by_role("button", name="Release now")).to_have_count(0)
    assert_not_reloaded(other_tab)
    # The inject that was not released keeps its button.
    expect(facilitator.locator('tr[data-inject="I2"]').get_by_role("button", name="Release now")).to_be_visible()

    expect(feed_items(player)).to_have_count(1)
    expect(feed_items(player).get_by_role("heading")).to_have_text(BORDER_INCIDENT["title"])
    assert_not_reloaded(player)

    again = facilitator.request.post(
        f"/api/v1/exercises/{room.exercise_id}/injects/I1/release",
        headers={"Authorization": f"Bearer {room.facilitator.token}"},
    )
    assert again.status == 409
    assert again.json()["error"]["code"] == "invalid_state"
    expect(feed_items(player)).to_have_count(1)
