"""The scenario editor's pages: every part posted back as shown changes nothing; a value
the validator refuses is kept and its problem shown at its field; the library's entry
points (edit, new, fix a refused upload); who may edit and whose draft it is."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.http import QueryDict
from django.test import Client

from exercise import scenario_drafts
from exercise.models import Exercise, Scenario, ScenarioDraft
from exercise.scenario_document import validate_document
from facilitator.editor_parts import PARTS
from tests import builders
from tests.pages.test_library_page import LIBRARY, signed_in, upload, workbook

pytestmark = pytest.mark.django_db


def part_url(draft: ScenarioDraft, part: str) -> str:
    return f"/facilitator/scenarios/drafts/{draft.pk}/{part}/"


def posted(forms_: dict[str, Any], **changes: str) -> dict[str, str]:
    """The data a browser posts for a part's forms as they are shown, with fields changed."""
    data: dict[str, str] = {}
    for value in forms_.values():
        if hasattr(value, "management_form"):
            management = value.management_form
            for name in management.fields:
                data[management.add_prefix(name)] = str(management.initial.get(name, 0))
            forms = value.forms
        else:
            forms = [value]
        for form in forms:
            for name in form.fields:
                shown = form[name].value()
                if shown not in (None, False, ""):
                    data[form.add_prefix(name)] = "on" if shown is True else str(shown)
    data.update(changes)
    return data


def briefed(**changes: Any) -> dict[str, Any]:
    document = builders.document(teams=builders.briefed_teams(), personas=builders.PERSONAS, **changes)
    document["media"] = [
        {"key": "M1", "at": "10m", "persona": "WIRE", "headline": "Shots at the pass", "body": "", "to": ["ARC"]}
    ]
    document["injects"].append({**document["injects"][1], "key": "I3", "trigger": {"after": "I1", "delay": 120}})
    document["injects"][0]["expect"][0]["where"] = {"kind": "joint_patrol"}
    return document


@pytest.mark.parametrize("part", [p for p in PARTS if p.read])
def test_each_part_posted_back_as_shown_keeps_the_scenario_as_it_was(facilitator, part):
    document = briefed()
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=document, source="test")
    client = signed_in(facilitator)
    assert client.get(part_url(draft, part.slug)).status_code == 200
    answer = client.post(part_url(draft, part.slug), posted(part.read(draft.document, None)))
    assert answer.status_code == 200, answer.content.decode()[:3000]
    draft.refresh_from_db()
    assert validate_document(draft.document) == validate_document(document)
    assert "No problems: the scenario can be published" in answer.content.decode()


DEMOS = sorted((Path(__file__).parents[2] / "exercise" / "demo" / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", DEMOS, ids=[p.stem for p in DEMOS])
def test_every_shipped_scenario_goes_through_every_part_unchanged(path):
    document = yaml.safe_load(path.read_text())
    for part in PARTS:
        if part.read is None or part.write is None:
            continue
        data = QueryDict(mutable=True)
        data.update(posted(part.read(document, None)))
        forms_ = part.read(document, data)
        assert all(f.is_valid() for f in forms_.values()), part.slug
        written = {k: v for k, v in {**document, **part.write(document, forms_)}.items() if v is not None}
        assert validate_document(written) == validate_document(document), part.slug


def test_a_refused_value_is_kept_and_told_at_its_field(facilitator):
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=briefed(), source="test")
    part = next(p for p in PARTS if p.slug == "injects")
    client = signed_in(facilitator)
    answer = client.post(
        part_url(draft, "injects"), posted(part.read(draft.document, None), **{"inject-1-to": "ARC, ALP"})
    )
    assert answer.status_code == 200
    text = answer.content.decode()
    assert 'value="ARC, ALP"' in text
    field = re.search(r'<div class="field invalid" id="field-id_inject-1-to">.*?</div>\s*</div>', text, re.S)
    assert field, text
    assert 'aria-invalid="true"' in field[0]
    assert "unknown team key &#x27;ALP&#x27;" in field[0]
    assert re.search(r'<input[^>]*autofocus[^>]*id="id_inject-1-to"', text)
    draft.refresh_from_db()
    assert draft.document["injects"][1]["to"] == ["ARC", "ALP"]


def test_problems_of_other_parts_are_listed_with_links_to_their_fields(facilitator):
    document = briefed(title="")
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=document, source="test")
    text = signed_in(facilitator).get(part_url(draft, "injects")).content.decode()
    assert f'href="/facilitator/scenarios/drafts/{draft.pk}/general/#id_title"' in text
    assert "1 problem to fix before publishing" in text


def test_a_problem_whose_field_is_not_shown_is_listed_at_the_top(facilitator):
    draft = scenario_drafts.open_new(caller=facilitator.caller)
    text = signed_in(facilitator).get(part_url(draft, "teams")).content.decode()
    summary = re.search(r'<section id="problem-summary".*?</section>', text, re.S)
    assert summary and "<code>teams</code> is an empty list; it must list at least one entry" in summary[0]


def test_staff_who_may_not_edit_are_offered_no_editor(facilitator):
    builders.scenario(facilitator.caller)
    scenario_drafts.open_new(caller=facilitator.caller)
    text = signed_in(builders.staff("evaluator")).get(LIBRARY).content.decode()
    for offer in ("New scenario", "/edit", "Your drafts"):
        assert offer not in text


def test_a_taken_key_may_be_changed_in_the_editor(facilitator):
    builders.scenario(facilitator.caller, key="karst-pass")
    client = signed_in(facilitator)
    refused = upload(client, "pass.xlsx", workbook(builders.document(key="karst-pass")))
    assert refused.status_code == 409
    assert "Fix it in the editor" in refused.content.decode()


def test_rows_are_added_and_removed_on_save(facilitator):
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=briefed(), source="test")
    part = next(p for p in PARTS if p.slug == "personas")
    client = signed_in(facilitator)
    shown = client.get(part_url(draft, "personas")).content.decode()
    assert '<button type="submit" name="add" value="persona">Add persona</button>' in shown
    client.post(part_url(draft, "personas"), posted(part.read(draft.document, None), add="persona"))
    draft.refresh_from_db()
    assert len(draft.document["personas"]) == 3
    answer = client.post(
        part_url(draft, "personas"), posted(part.read(draft.document, None), **{"persona-2-DELETE": "on"})
    )
    assert answer.status_code == 200
    draft.refresh_from_db()
    assert [p["key"] for p in draft.document["personas"]] == ["UNSG", "WIRE"]


def test_the_live_save_keeps_rows_marked_for_removal_until_save(facilitator):
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=briefed(), source="test")
    part = next(p for p in PARTS if p.slug == "personas")
    data = posted(part.read(draft.document, None), **{"persona-1-DELETE": "on"})
    signed_in(facilitator).post(part_url(draft, "personas"), data, HTTP_X_PARLEY_LIVE="1")
    draft.refresh_from_db()
    assert len(draft.document["personas"]) == 2


def test_a_national_objective_moves_to_its_team(facilitator):
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=briefed(), source="test")
    part = next(p for p in PARTS if p.slug == "objectives")
    data = posted(part.read(draft.document, None), **{"objective-0-team": "CAL"})
    signed_in(facilitator).post(part_url(draft, "objectives"), data)
    draft.refresh_from_db()
    assert draft.document["objectives"] == []
    assert draft.document["teams"][2]["brief"]["objectives"][0]["key"] == "O1"


@pytest.mark.parametrize(
    "garbage",
    [
        {},
        {"inject-TOTAL_FORMS": "x"},
        {"inject-TOTAL_FORMS": "1", "inject-INITIAL_FORMS": "0", "inject-0-kind": "nonsense"},
        {"expect-TOTAL_FORMS": "1", "expect-INITIAL_FORMS": "0", "expect-0-inject": "99"},
    ],
)
def test_garbage_is_answered_400_and_stores_nothing(facilitator, garbage):
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=briefed(), source="test")
    answer = signed_in(facilitator).post(part_url(draft, "injects"), garbage)
    assert answer.status_code == 400
    before = draft.document
    draft.refresh_from_db()
    assert draft.document == before


def test_the_timeline_of_a_valid_draft_shows_its_plan(facilitator):
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=briefed(), source="test")
    text = signed_in(facilitator).get(part_url(draft, "timeline")).content.decode()
    assert 'data-plan="karst-pass"' in text
    assert 'id="plan-row-I3"' in text


def test_a_value_the_form_refuses_is_shown_with_its_reason_and_the_rest_kept(facilitator):
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=briefed(), source="test")
    part = next(p for p in PARTS if p.slug == "injects")
    data = posted(part.read(draft.document, None), **{"inject-0-kind": "nonsense", "inject-0-title": "Typed"})
    answer = signed_in(facilitator).post(part_url(draft, "injects"), data)
    assert answer.status_code == 400
    text = answer.content.decode()
    assert re.search(r'<select name="inject-0-kind"[^>]*aria-invalid="true"[^>]*autofocus', text), text
    assert "Select a valid choice" in text
    assert 'value="Typed"' in text


def test_an_unknown_part_is_404(facilitator):
    draft = scenario_drafts.open_new(caller=facilitator.caller)
    assert signed_in(facilitator).get(part_url(draft, "nothing")).status_code == 404


def test_the_timeline_says_what_to_fix_first_when_the_draft_is_invalid(facilitator):
    draft = scenario_drafts.open_new(caller=facilitator.caller)
    text = signed_in(facilitator).get(part_url(draft, "timeline")).content.decode()
    assert "fix the" in text and "problems listed above first" in text


def test_another_users_draft_is_404_and_staff_without_the_facilitator_role_403(facilitator):
    draft = scenario_drafts.open_new(caller=facilitator.caller)
    scenario = builders.scenario(facilitator.caller)
    other = signed_in(builders.staff("facilitator"))
    assert other.get(part_url(draft, "general")).status_code == 404
    assert other.post(part_url(draft, "general"), {"title": "mine"}).status_code == 404
    assert other.post(f"/facilitator/scenarios/drafts/{draft.pk}/publish").status_code == 404
    assert other.post(f"/facilitator/scenarios/drafts/{draft.pk}/discard").status_code == 404
    assert other.get("/facilitator/scenarios/999999/published").status_code == 404
    for role in ("evaluator", "observer"):
        member = signed_in(builders.staff(role))
        assert member.get(part_url(draft, "general")).status_code == 403
        assert member.post(f"/facilitator/scenarios/{scenario.pk}/edit").status_code == 403
        assert member.get(f"/facilitator/scenarios/{scenario.pk}/published").status_code == 403
        assert member.post("/facilitator/scenarios/drafts/new").status_code == 403
        assert member.post(f"/facilitator/scenarios/drafts/{draft.pk}/publish").status_code == 403
        assert member.post("/facilitator/scenarios/drafts/from-upload", {"upload": "x"}).status_code == 403
    assert ScenarioDraft.objects.filter(pk=draft.pk).exists()


def test_edit_opens_a_draft_of_the_scenario(facilitator):
    scenario = builders.scenario(facilitator.caller, title="Karst Pass")
    client = signed_in(facilitator)
    assert f"/facilitator/scenarios/{scenario.pk}/edit" in client.get(LIBRARY).content.decode()
    answer = client.post(f"/facilitator/scenarios/{scenario.pk}/edit")
    draft = ScenarioDraft.objects.get()
    assert answer.status_code == 302 and answer["Location"] == part_url(draft, "general")
    assert draft.base == scenario
    assert "Karst Pass" in client.get(LIBRARY).content.decode().split("Your drafts")[1]
    assert client.post("/facilitator/scenarios/999999/edit").status_code == 404


def test_new_scenario_blank_or_from_the_template(facilitator):
    client = signed_in(facilitator)
    client.post("/facilitator/scenarios/drafts/new", {"start": "blank"})
    client.post("/facilitator/scenarios/drafts/new", {"start": "template"})
    blank, template = ScenarioDraft.objects.order_by("id")
    assert blank.document["key"] == "" and template.document["key"] == "my-scenario"
    assert scenario_drafts.check_draft(template).valid


def test_a_refused_upload_is_fixed_in_the_editor_and_published(facilitator):
    client = signed_in(facilitator)
    raw = workbook(builders.document(key="pass-book"), ("MSEL", "D3", "ARC, ALP"))
    refused = upload(client, "pass.xlsx", raw)
    assert refused.status_code == 400
    assert not ScenarioDraft.objects.exists() and not Scenario.objects.exists()
    token = re.search(r'name="upload" value="([^"]+)"', refused.content.decode())
    assert token, refused.content.decode()
    opened = client.post("/facilitator/scenarios/drafts/from-upload", {"upload": token[1]})
    draft = ScenarioDraft.objects.get()
    assert opened["Location"] == part_url(draft, "injects") + "?focus=problem"
    text = client.get(opened["Location"]).content.decode()
    assert re.search(r'<input[^>]*autofocus[^>]*id="id_inject-1-to"', text)
    assert re.search(r'id="field-id_inject-1-to">.*?unknown team key &#x27;ALP&#x27;', text, re.S)
    part = next(p for p in PARTS if p.slug == "injects")
    client.post(part_url(draft, "injects"), posted(part.read(draft.document, None), **{"inject-1-to": "all"}))
    published = client.post(f"/facilitator/scenarios/drafts/{draft.pk}/publish", follow=True)
    scenario = Scenario.objects.get(key="pass-book")
    assert published.redirect_chain == [(f"/facilitator/scenarios/{scenario.pk}/published", 302)]
    assert f"?scenario={scenario.pk}#new-heading" in published.content.decode()
    assert not ScenarioDraft.objects.exists()


def test_a_file_with_no_document_offers_no_editor_and_a_forged_token_is_refused(facilitator):
    client = signed_in(facilitator)
    refused = upload(client, "pass.xlsx", b"not a workbook")
    assert "Fix it in the editor" not in refused.content.decode()
    answer = client.post("/facilitator/scenarios/drafts/from-upload", {"upload": "forged"}, follow=True)
    assert "upload the file again" in answer.content.decode()
    assert not ScenarioDraft.objects.exists()


def test_publishing_an_invalid_draft_shows_the_problems_and_keeps_it(facilitator):
    draft = scenario_drafts.open_new(caller=facilitator.caller)
    answer = signed_in(facilitator).post(f"/facilitator/scenarios/drafts/{draft.pk}/publish")
    assert answer.status_code == 400
    assert "fix them before publishing" in answer.content.decode()
    assert ScenarioDraft.objects.filter(pk=draft.pk).exists()


def test_a_used_scenario_asks_for_a_new_key(facilitator):
    scenario = builders.scenario(facilitator.caller)
    builders.exercise(facilitator.caller, scenario)
    draft = scenario_drafts.open_from_scenario(caller=facilitator.caller, scenario_id=scenario.pk)
    shown = signed_in(facilitator).get(part_url(draft, "general")).content.decode()
    assert f"an exercise has been made from {scenario.key}, so it stays as it is" in shown
    answer = signed_in(facilitator).post(f"/facilitator/scenarios/drafts/{draft.pk}/publish")
    assert answer.status_code == 409
    assert "save the changes under a new key" in answer.content.decode()
    assert Exercise.objects.get().scenario_id == scenario.pk


def test_discard_ends_the_draft(facilitator):
    draft = scenario_drafts.open_new(caller=facilitator.caller)
    answer = signed_in(facilitator).post(f"/facilitator/scenarios/drafts/{draft.pk}/discard")
    assert answer.status_code == 302
    assert not ScenarioDraft.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(facilitator):
    draft = scenario_drafts.open_new(caller=facilitator.caller)
    answer = Client().get(part_url(draft, "general"))
    assert answer.status_code == 302 and "login" in answer["Location"]
