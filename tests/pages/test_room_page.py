"""The control room's frame as each staff role gets it from the server: the side tabs, the
keyboard hints of the controls the role has, and the inject timeline's plan."""

import re

import pytest
from django.test import Client

from tests import builders

pytestmark = pytest.mark.django_db

SIDE_TABS = {
    "facilitator": [
        "Scores",
        "Control cell",
        "News wire",
        "Trust",
        "Map",
        "Evaluation",
        "Adjudication",
        "Injects",
        "Lines",
        "Teams",
    ],
    "evaluator": ["Scores", "Control cell", "News wire", "Trust", "Map", "Evaluation", "Teams"],
    "observer": ["Scores", "Control cell", "News wire", "Trust", "Map", "Teams"],
}
HINTS = {
    "facilitator": ["p", "n", "f", "e"],
    "evaluator": ["f", "e"],
    "observer": ["f"],
}


def room_page(role: str, exercise) -> str:
    member = builders.staff(role)
    client = Client()
    assert client.login(username=member.user.username, password=member.password)
    return client.get(f"/facilitator/exercises/{exercise.pk}/").content.decode()


@pytest.mark.parametrize("role", ["facilitator", "evaluator", "observer"])
def test_each_role_is_told_only_of_the_shortcuts_of_its_controls(role, exercise):
    page = room_page(role, exercise)
    assert re.findall(r"<kbd>(\w)</kbd>", page) == HINTS[role]
    if role != "facilitator":
        assert "pause or resume" not in page and "new inject" not in page


@pytest.mark.parametrize("role", ["facilitator", "evaluator", "observer"])
def test_each_role_gets_its_side_tabs(role, exercise):
    page = room_page(role, exercise)
    tabs = re.findall(r'role="tab" id="tab-\w+"[^>]*>([^<]+)', page)
    assert [name.strip() for name in tabs] == SIDE_TABS[role]
    # Each tab controls its panel, which names itself by the tab.
    for key in re.findall(r'aria-controls="(panel-\w+)"', page):
        assert f'role="tabpanel" id="{key}" aria-labelledby="tab-{key.removeprefix("panel-")}"' in page


def test_the_timeline_says_who_receives_each_inject_and_what_it_expects(exercise):
    page = room_page("facilitator", exercise)
    rows = dict(re.findall(r'<tr data-inject="(\w+)".*?<td data-inject-to>([^<]*)</td>', page, re.S))
    assert rows == {"I1": "ARC, BOR", "I2": "ARC, BOR, CAL"}  # I2 goes to all
    assert "when E1 is missed + 5m" in page
    assert "E1: each of ARC, BOR, hotline requested within 15m · 10 pts" in page
    assert 'data-inject="I1" data-due="300.0"' in page  # counted down to
    assert 'data-inject="I2">' in page  # no due time until its trigger fires
