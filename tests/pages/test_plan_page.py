"""A scenario's timeline and each team's preview: the partial the plan page and the editor
include (the chart, its table, the previews, every text escaped), and the plan page with
the library's access."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client

from exercise.demo import SCENARIO_DIR
from exercise.document_text import parse_text
from exercise.models import Inject
from exercise.scenario_document import validate_document
from exercise.scenario_plan import plan
from exercise.scenarios import import_scenario
from tests import builders
from tests.builders import document

SHIPPED = sorted(SCENARIO_DIR.glob("*.yaml"))
HOSTILE = '<script>alert("x")</script> & "quotes"'


def rendered(spec: dict) -> str:
    return render_to_string("facilitator/scenario_plan.html", {"plan": plan(spec)})


def team_section(html: str, key: str) -> str:
    found = re.search(rf'<section class="plan-team" id="plan-team-{key}".*?</section>', html, re.S)
    assert found, key
    return found[0]


@pytest.mark.parametrize("path", SHIPPED, ids=[path.stem for path in SHIPPED])
def test_the_partial_draws_every_item_and_gives_each_team_its_own(path):
    spec = validate_document(parse_text(path.read_bytes(), yaml_syntax=True))
    html = rendered(spec)

    chart = re.search(r"<svg .*?</svg>", html, re.S)
    assert chart
    assert 'role="img"' in chart[0] and "<title>Timeline of " in chart[0] and "<desc>" in chart[0]
    assert re.search(r'<div class="chart-scroll" tabindex="0" role="region" aria-label="[^"]+">\s*<svg', html)
    items = [*spec["injects"], *spec["media"]]
    table = re.search(r'<table class="plan-table".*?</table>', html, re.S)
    assert table
    assert len(re.findall(r'<tr id="plan-row-', table[0])) == len(items)
    for item in items:
        # Each item has its lane in the chart, labelled with its key.
        assert f'<tspan font-weight="bold">{item["key"]}</tspan>' in chart[0]
    for team in spec["teams"]:
        section = team_section(html, team["key"])
        listed = re.findall(r'data-key="([^"]+)"', section)
        addressed = [i["key"] for i in items if i["to"] == "all" or team["key"] in i["to"]]
        assert sorted(k for k in listed if k in {i["key"] for i in items}) == sorted(addressed)
        assert f"brief-{team['key']}" in listed
        assert not [k for k in listed if k.startswith("brief-") and k != f"brief-{team['key']}"]


def test_a_triggered_item_is_marked_conditional_with_its_condition():
    html = rendered(validate_document(document()))

    row = re.search(r'<tr id="plan-row-I2".*?</tr>', html, re.S)
    assert row
    assert 'class="conditional"' in row[0]
    assert "Conditional" in row[0]
    assert "5m after expectation E1 of I1 is missed by a team it concerns" in row[0]
    assert "missed E1 +5m" in html  # the chart's label on its marker


def test_every_text_of_the_partial_is_escaped():
    spec = validate_document(
        document(
            title=HOSTILE,
            teams=[{"key": "ARC", "name": HOSTILE}, {"key": "BOR", "name": "Borealis"}],
            injects=[
                {
                    "key": "I1",
                    "at": "5m",
                    "title": HOSTILE,
                    "kind": "other",
                    "severity": "low",
                    "to": "all",
                    "expect": [
                        {
                            "key": "E1",
                            "each": ["ARC"],
                            "event": "action.taken",
                            "where": {"kind": HOSTILE},
                            "within": "5m",
                        }
                    ],
                }
            ],
            objectives=[],
        )
    )
    html = rendered(spec)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    chart = re.search(r"<svg .*?</svg>", html, re.S)
    assert chart and "<script>" not in chart[0] and "&lt;script&gt;" in chart[0]


# The plan page ---------------------------------------------------------------------------


def signed_in(member: builders.Staff) -> Client:
    client = Client()
    assert client.login(username=member.user.username, password=member.password)
    return client


def plan_url(scenario_id: int) -> str:
    return f"/facilitator/scenarios/{scenario_id}/plan"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["facilitator", "evaluator", "observer"])
def test_staff_who_read_the_library_open_a_scenarios_plan_from_it(role, facilitator):
    shipped = SCENARIO_DIR / "karst-pass.yaml"
    scenario = import_scenario(caller=facilitator.caller, document=parse_text(shipped.read_bytes(), yaml_syntax=True))
    client = signed_in(facilitator if role == "facilitator" else builders.staff(role))

    library = client.get("/facilitator/scenarios/").content.decode()
    assert f'href="{plan_url(scenario.pk)}"' in library
    page = client.get(plan_url(scenario.pk))

    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Timeline and preview: Exchange of Fire at Karst Pass</h1>" in html
    assert 'role="img"' in html
    # I4 goes to Dravonia alone: in its preview, in no other team's.
    holding_i4 = [t for t in ("DRV", "SRK", "ULM", "ESM") if 'data-key="I4"' in team_section(html, t)]
    assert holding_i4 == ["DRV"]


@pytest.mark.django_db
def test_the_plan_page_escapes_the_scenarios_text(facilitator):
    scenario = builders.scenario(facilitator.caller, title=HOSTILE)
    Inject.objects.filter(scenario=scenario, key="I1").update(title=HOSTILE)

    html = signed_in(facilitator).get(plan_url(scenario.pk)).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_a_missing_scenario_answers_404(facilitator):
    assert signed_in(facilitator).get(plan_url(999999)).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(scenario):
    response = Client().get(plan_url(scenario.pk))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_players_and_accounts_without_a_staff_role_are_refused(exercise):
    player = Client()
    player.post("/join/", {"code": exercise.teams.first().join_code, "name": "Capt. Oduya"})
    response = player.get(plan_url(exercise.scenario_id))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    get_user_model().objects.create_user(username="visitor", password="a long password 1")
    visitor = Client()
    assert visitor.login(username="visitor", password="a long password 1")
    refused = visitor.get(plan_url(exercise.scenario_id))
    assert refused.status_code == 403
    assert exercise.scenario.title not in refused.content.decode()


@pytest.mark.django_db
def test_a_stored_scenario_the_validator_now_refuses_is_answered_with_its_problems(facilitator, scenario):
    Inject.objects.filter(scenario=scenario, key="I1").update(to=["ARC", "ZZZ"])

    page = signed_in(facilitator).get(plan_url(scenario.pk))

    assert page.status_code == 409
    html = page.content.decode()
    assert "This scenario cannot be planned" in html
    assert "injects[0].to[1]" in html and "ZZZ" in html
