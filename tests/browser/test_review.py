"""The after-action review in Chromium: the replay slider, the team select, the PDF, and a
team's debrief. Database calls go through ``live_server.run`` (see conftest)."""

from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from exercise.demo.played import play_karst_pass, write_up
from exercise.models import Exercise
from gateway.sessions import SESSION_KEY
from tests import builders
from tests.browser.conftest import TIMEOUT_MS, LiveServer, sign_in
from tests.review.played import karst_pass

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def shoot(target, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target.screenshot(path=SCREENSHOTS / name, animations="disabled")


def played_demo(live_server: LiveServer) -> tuple[builders.Staff, int]:
    """The demo's played Karst Pass run with its write-up, as `manage.py demo` loads it."""

    def build() -> tuple[builders.Staff, int]:
        facilitator = builders.staff("facilitator")
        exercise = play_karst_pass(facilitator.caller, karst_pass(facilitator.caller))
        write_up(exercise, facilitator.caller)
        return facilitator, exercise.pk

    return live_server.run(build)


def replay_time(page: Page) -> int:
    return int(page.locator("#replay-state .replay-state").get_attribute("data-replay-time"))


def points(page: Page, team: str):
    return page.locator(f'#replay-state tr[data-team="{team}"] [data-points]')


def test_facilitator_replays_the_exercise_and_downloads_the_report(live_server, open_page):
    facilitator, exercise_id = played_demo(live_server)
    page = open_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, facilitator)
    page.goto(f"/exercises/{exercise_id}/review/")
    expect(page.get_by_role("heading", name="After-action review")).to_be_visible()
    shoot(page, "review.png")

    # The page opens on the end of the exercise.
    replay = page.locator("#replay-state")
    expect(replay).to_contain_text("As it stood at 2:05")
    expect(points(page, "DRV")).to_have_text("75")
    end = replay_time(page)

    slider = page.locator("#replay-time")
    slider.focus()
    page.keyboard.press("Home")
    # The label is redrawn in the browser, which writes times under an hour as MM:SS.
    expect(page.locator("#replay-clock")).to_have_text("00:00")
    expect(replay).to_contain_text("As it stood at 00:00, after event 1.")
    expect(points(page, "DRV")).to_have_text("0")

    for _ in range(3):
        page.keyboard.press("PageUp")
    expect(replay).not_to_contain_text("As it stood at 00:00,")
    moved = replay_time(page)
    assert 0 < moved < end
    # Early on, the hotline between DRV and SRK is busy; Ulmare is not on it.
    page.locator("#replay-team").select_option("ULM")
    expect(replay.get_by_role("heading", name="What ULM knew")).to_be_visible()
    expect(replay.locator('[data-feed="team"]')).not_to_contain_text("hotline.message")
    expect(replay.locator('[data-feed="all"]')).to_contain_text("hotline.message")
    slider.focus()
    shoot(page.locator("#replay"), "review-replay.png")

    page.keyboard.press("End")
    expect(replay).to_contain_text("As it stood at 2:05")
    expect(points(page, "DRV")).to_have_text("75")
    expect(points(page, "SRK")).to_have_text("30")

    with page.expect_download(timeout=TIMEOUT_MS * 3) as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert download.value.suggested_filename == f"review-{exercise_id}.pdf"
    assert errors == []


def test_a_player_reads_the_team_debrief(live_server, open_page):
    _, exercise_id = played_demo(live_server)

    def sign_player_in() -> str:
        player = Exercise.objects.get(pk=exercise_id).teams.get(key="DRV").players.get()
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = player.pk
        session.save()
        return session.session_key

    key = live_server.run(sign_player_in)
    page = open_page()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": live_server.url}])
    page.goto("/team/debrief/")
    expect(page.get_by_role("heading", name="Debrief: Republic of Dravonia")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Our post 14 reports fire")
    expect(page.locator("#timeline")).not_to_contain_text("expectation.")  # staff only
    expect(page.locator("#ratings")).to_contain_text("Called within minutes")
    expect(page.get_by_role("button", name="Send feedback")).to_be_visible()
    shoot(page, "team-debrief.png")
