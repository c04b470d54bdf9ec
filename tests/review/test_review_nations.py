"""The review's national and regional results (page, JSON, PDF) and the team's own in its
debrief: each national objective's status, red lines, and the region's stability."""

import io
import re
from html import unescape

import pypdf
import pytest

from tests import briefed, builders
from tests.review.conftest import player_client, staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(facilitator):
    exercise = builders.exercise(facilitator.caller, briefed.scenario(facilitator.caller))
    players = {team.key: builders.player(team, f"Envoy of {team.key}") for team in exercise.teams.all()}
    briefed.play(exercise, facilitator, {key: joined.token for key, joined in players.items()})
    return exercise, players


def flat(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_review_page_shows_national_objectives_and_the_regions_stability(run, facilitator):
    exercise, _players = run
    text = flat(staff_client(facilitator).get(f"/exercises/{exercise.pk}/review/").content.decode())
    assert "National and regional results" in text
    assert "Regional points 6 of 12" in text and "Peak rung 1 (B)" in text
    for key, status in {"A": "met", "B": "met", "C": "missed", "D": "met"}.items():
        assert f"{key}-1 : {key.lower()}-objective-secret: {status}" in text, key
    assert "National points 7 Regional points 3 Total 10" in text  # A's, worked out in tests/briefed.py


def test_the_pdf_prints_national_results_and_the_regions_stability(run, facilitator):
    exercise, _players = run
    response = staff_client(facilitator).get(f"/exercises/{exercise.pk}/review.pdf")
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "3. National and regional results" in text
    assert "Regional points earned 6 of 12" in text and "Peak rung 1 (B)" in text
    assert "A State A: 7 national, 3 regional" in text and "C State C: 0 national, 0 regional" in text
    assert "C-1: c-objective-secret missed" in text
    assert "c-red-line-secret" in text  # the brief's red lines, beside those crossed


def test_the_debrief_shows_the_teams_own_national_results(run):
    _exercise, players = run
    for key, joined in players.items():
        text = flat(player_client(joined).get("/team/debrief/").content.decode())
        national, regional = briefed.EXPECTED_POINTS[key]
        assert f"National points {national} Regional points {regional}" in text, key
        assert "Red lines crossed None" in text
        others = [other for other in briefed.TEAMS if other != key]
        assert not any(f"{other}-1" in text for other in others), key
