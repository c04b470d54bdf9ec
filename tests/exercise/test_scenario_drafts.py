"""Scenario drafts: opened from a scenario, a broken workbook, the template or blank; kept as
entered, checked by the import's validator, published as a new scenario or in place of an
unused one; a facilitator's alone."""

import pytest

from exercise import scenario_drafts
from exercise.errors import Conflict, Invalid, InvalidState, NotAllowed, NotFound
from exercise.models import Scenario, ScenarioDraft
from exercise.scenario_document import export_document, validate_document
from exercise.scenarios import scenario_spec
from tests import builders
from tests.pages.test_library_page import workbook

pytestmark = pytest.mark.django_db


def briefed() -> dict:
    return builders.document(teams=builders.briefed_teams(), personas=builders.PERSONAS)


def test_a_draft_of_a_scenario_holds_its_exported_document(facilitator):
    scenario = builders.scenario(facilitator.caller, **briefed())
    draft = scenario_drafts.open_from_scenario(caller=facilitator.caller, scenario_id=scenario.pk)
    assert draft.document == export_document(scenario_spec(scenario))
    assert draft.base == scenario
    assert draft.owner == facilitator.user
    assert scenario_drafts.check_draft(draft).valid


def test_a_broken_workbook_opens_with_its_bad_values_kept_at_their_paths(facilitator):
    raw = workbook(builders.document(), ("MSEL", "B2", "soon"), ("MSEL", "D3", "ARC, ALP"))
    written = scenario_drafts.file_as_written(filename="pass.xlsx", raw=raw)
    assert written is not None
    draft = scenario_drafts.open_from_file(caller=facilitator.caller, written=written)
    assert draft.document["injects"][0]["at"] == "soon"
    assert draft.document["injects"][1]["to"] == ["ARC", "ALP"]
    problems = {p["path"]: p["message"] for p in scenario_drafts.check_draft(draft).problems}
    assert "'soon' is not a duration" in problems["injects[0].at"]
    assert "unknown team key 'ALP'" in problems["injects[1].to[1]"]
    assert draft.source == "pass.xlsx"


def test_a_trigger_that_cannot_be_read_is_kept_as_typed_and_told_how_to_write_it(facilitator):
    raw = workbook(builders.document(), ("MSEL", "B2", None), ("MSEL", "C2", "when ready"))
    written = scenario_drafts.file_as_written(filename="pass.xlsx", raw=raw)
    assert written is not None
    assert written.document["injects"][0]["trigger"] == "when ready"
    draft = scenario_drafts.open_from_file(caller=facilitator.caller, written=written)
    problems = {p["path"]: p["message"] for p in scenario_drafts.check_draft(draft).problems}
    assert "'when ready' is not a trigger; write after I1" in problems["injects[0].trigger"]


def test_rows_a_workbook_has_no_place_for_are_kept_as_the_files_problems(facilitator):
    document = builders.document(teams=builders.briefed_teams())
    raw = workbook(document, ("Objectives", "C3", "ZZZ"), ("MSEL", "K1", "Colour"))
    written = scenario_drafts.file_as_written(filename="pass.xlsx", raw=raw)
    assert written is not None
    assert {p["path"] for p in written.unplaced} == {"Objectives!C3", "MSEL!K1"}
    draft = scenario_drafts.open_from_file(caller=facilitator.caller, written=written)
    assert draft.file_problems == written.unplaced
    assert any("'ZZZ' is not a team on the Teams sheet" in p["message"] for p in draft.file_problems)


def test_a_file_that_holds_no_document_opens_no_draft():
    assert scenario_drafts.file_as_written(filename="a.xlsx", raw=b"not a zip") is None
    assert scenario_drafts.file_as_written(filename="a.yaml", raw=b"key: [unclosed") is None
    assert scenario_drafts.file_as_written(filename="a.yaml", raw=b"- a list") is None
    assert scenario_drafts.file_as_written(filename="a.txt", raw=b"key: x") is None


def test_a_yaml_date_is_kept_as_text_for_the_validator_to_name(facilitator):
    written = scenario_drafts.file_as_written(filename="a.yaml", raw=b"key: x\nduration: 2024-01-01\n")
    assert written is not None
    draft = scenario_drafts.open_from_file(caller=facilitator.caller, written=written)
    problems = {p["path"] for p in scenario_drafts.check_draft(draft).problems}
    assert "duration" in problems


def test_an_update_replaces_its_fields_and_keeps_the_rest(facilitator):
    draft = scenario_drafts.open_draft(caller=facilitator.caller, document=builders.document(), source="test")
    scenario_drafts.update_draft(
        caller=facilitator.caller, draft_id=draft.pk, fields={"title": "", "summary": None, "duration": "soon"}
    )
    draft.refresh_from_db()
    assert draft.document["title"] == "" and "summary" not in draft.document
    assert draft.document["teams"] == builders.DOCUMENT["teams"]
    paths = {p["path"] for p in scenario_drafts.check_draft(draft).problems}
    assert paths == {"title", "duration"}
    with pytest.raises(Invalid):
        scenario_drafts.update_draft(caller=facilitator.caller, draft_id=draft.pk, fields={"colour": "red"})


def test_publishing_a_new_key_imports_it_and_ends_the_draft(facilitator):
    draft = scenario_drafts.open_new(caller=facilitator.caller, from_template=True)
    scenario = scenario_drafts.publish_draft(caller=facilitator.caller, draft_id=draft.pk)
    assert scenario.key == "my-scenario"
    assert not ScenarioDraft.objects.filter(pk=draft.pk).exists()


def test_an_invalid_draft_is_not_published_and_is_kept(facilitator):
    draft = scenario_drafts.open_new(caller=facilitator.caller)
    with pytest.raises(Invalid) as refused:
        scenario_drafts.publish_draft(caller=facilitator.caller, draft_id=draft.pk)
    assert {p["path"] for p in refused.value.details} >= {"key", "title", "teams", "injects"}
    assert ScenarioDraft.objects.filter(pk=draft.pk).exists()
    assert not Scenario.objects.exists()


def test_publishing_an_unused_scenario_replaces_it_in_place(facilitator):
    scenario = builders.scenario(facilitator.caller, **briefed())
    draft = scenario_drafts.open_from_scenario(caller=facilitator.caller, scenario_id=scenario.pk)
    injects = [dict(i) for i in draft.document["injects"]]
    injects[0]["title"] = "A changed title"
    scenario_drafts.update_draft(
        caller=facilitator.caller, draft_id=draft.pk, fields={"title": "Renamed", "injects": injects[:1]}
    )
    published = scenario_drafts.publish_draft(caller=facilitator.caller, draft_id=draft.pk)
    assert published.pk == scenario.pk
    assert Scenario.objects.count() == 1
    spec = scenario_spec(Scenario.objects.get(pk=scenario.pk))
    assert spec["title"] == "Renamed"
    assert [i["title"] for i in spec["injects"]] == ["A changed title"]
    assert spec == validate_document(export_document(spec))


def test_a_used_scenario_is_not_replaced_but_may_be_published_under_a_new_key(facilitator):
    scenario = builders.scenario(facilitator.caller)
    builders.exercise(facilitator.caller, scenario)
    draft = scenario_drafts.open_from_scenario(caller=facilitator.caller, scenario_id=scenario.pk)
    scenario_drafts.update_draft(caller=facilitator.caller, draft_id=draft.pk, fields={"title": "Changed"})
    with pytest.raises(InvalidState, match="save the changes under a new key"):
        scenario_drafts.publish_draft(caller=facilitator.caller, draft_id=draft.pk)
    assert Scenario.objects.get(pk=scenario.pk).title != "Changed"
    scenario_drafts.update_draft(caller=facilitator.caller, draft_id=draft.pk, fields={"key": "changed-copy"})
    copy = scenario_drafts.publish_draft(caller=facilitator.caller, draft_id=draft.pk)
    assert copy.pk != scenario.pk and copy.title == "Changed"


def test_a_taken_key_is_a_conflict(facilitator):
    builders.scenario(facilitator.caller, key="my-scenario")
    draft = scenario_drafts.open_new(caller=facilitator.caller, from_template=True)
    with pytest.raises(Conflict):
        scenario_drafts.publish_draft(caller=facilitator.caller, draft_id=draft.pk)


def test_only_a_facilitator_edits_and_a_draft_is_its_owners_alone(facilitator):
    other = builders.staff("facilitator")
    draft = scenario_drafts.open_new(caller=facilitator.caller)
    for role in ("evaluator", "observer"):
        member = builders.staff(role)
        with pytest.raises(NotAllowed):
            scenario_drafts.open_new(caller=member.caller)
        with pytest.raises(NotAllowed):
            scenario_drafts.get_draft(caller=member.caller, draft_id=draft.pk)
    with pytest.raises(NotFound):
        scenario_drafts.get_draft(caller=other.caller, draft_id=draft.pk)
    with pytest.raises(NotFound):
        scenario_drafts.update_draft(caller=other.caller, draft_id=draft.pk, fields={"title": "mine"})
    with pytest.raises(NotFound):
        scenario_drafts.publish_draft(caller=other.caller, draft_id=draft.pk)
    assert scenario_drafts.drafts_of(caller=other.caller) == []
    assert scenario_drafts.drafts_of(caller=facilitator.caller) == [draft]
