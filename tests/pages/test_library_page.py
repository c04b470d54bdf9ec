"""The scenario library page: the list with what each scenario was used by (only the
reader's exercises named), search, upload of YAML and workbooks with every problem listed
against its path or cell, copy and delete, and what each staff role may do."""

import io
import json
import re
from typing import Any

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from exercise import exercises
from exercise.errors import NotFound
from exercise.models import Exercise, Scenario
from exercise.scenario_document import export_document, validate_document
from exercise.scenarios import delete_scenario
from exercise.workbook import workbook_bytes
from tests import builders

pytestmark = pytest.mark.django_db

LIBRARY = "/facilitator/scenarios/"


def signed_in(member: builders.Staff) -> Client:
    client = Client()
    assert client.login(username=member.user.username, password=member.password)
    return client


def workbook(document: dict[str, Any], *edits: tuple[str, str, object]) -> bytes:
    """The workbook the export writes for a builder document, with cells changed."""
    raw = workbook_bytes(export_document(validate_document(document)))
    book = openpyxl.load_workbook(io.BytesIO(raw))
    for sheet, cell, value in edits:
        book[sheet][cell] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client: Client, name: str, content: bytes, **follow: Any):  # type: ignore[no-untyped-def]
    return client.post(LIBRARY, {"file": SimpleUploadedFile(name, content)}, **follow)


def test_the_library_lists_each_scenario_with_its_facts(facilitator):
    scenario = builders.scenario(facilitator.caller, title="Karst Pass", classification="EXERCISE EXERCISE")
    page = signed_in(facilitator).get(LIBRARY)
    assert page.status_code == 200
    text = page.content.decode()
    row = re.search(rf'<tr id="scenario-{scenario.pk}".*?</tr>', text, re.S)
    assert row, text
    assert "Karst Pass" in row[0]
    assert f"<code>{scenario.key}</code>" in row[0]
    assert f"<td>{scenario.teams.count()}</td>" in row[0]
    assert f"<td>{scenario.injects.count()}</td>" in row[0]
    assert "EXERCISE EXERCISE" in row[0]
    assert f"by {facilitator.user.username}" in row[0]
    for fmt in ("yaml", "json", "xlsx"):
        assert f"/api/v1/scenarios/{scenario.pk}?format={fmt}" in row[0]


def test_the_home_page_links_to_the_library(facilitator):
    assert f'href="{LIBRARY}"' in signed_in(facilitator).get("/facilitator/").content.decode()


def test_the_download_links_answer_with_the_session(facilitator, scenario):
    client = signed_in(builders.staff("observer"))
    yaml_text = client.get(f"/api/v1/scenarios/{scenario.pk}?format=yaml")
    assert yaml_text.status_code == 200
    assert yaml.safe_load(yaml_text.content)["key"] == scenario.key
    book = client.get(f"/api/v1/scenarios/{scenario.pk}?format=xlsx")
    assert book.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(book.content))["Scenario"]


def test_search_filters_by_title_key_and_summary(facilitator):
    builders.scenario(facilitator.caller, key="pass-crisis", title="Karst Pass")
    builders.scenario(facilitator.caller, key="lanto", title="Lanto Bank", summary="A shoal claimed by three states.")
    client = signed_in(facilitator)

    def titles(query: str) -> set[str]:
        page = client.get(LIBRARY, {"q": query}).content.decode()
        return set(re.findall(r"<th scope=\"row\"><strong>(.*?)</strong>", page))

    assert titles("karst") == {"Karst Pass"}
    assert titles("LANTO") == {"Lanto Bank"}
    assert titles("shoal claimed") == {"Lanto Bank"}
    assert titles("pass-crisis") == {"Karst Pass"}
    assert titles("") == {"Karst Pass", "Lanto Bank"}
    assert "No scenario matches" in client.get(LIBRARY, {"q": "nowhere"}).content.decode()


def test_used_by_names_only_the_readers_exercises(facilitator, scenario):
    mine = builders.exercise(facilitator.caller, scenario, name="Mine to see", assign_staff=False)
    other = builders.staff("facilitator", assigned=False)
    theirs = builders.exercise(other.caller, scenario, name="Someone else's run", assign_staff=False)
    page = signed_in(facilitator).get(LIBRARY).content.decode()
    assert "2 exercises" in page
    assert f'href="/facilitator/exercises/{mine.pk}/"' in page
    assert "Mine to see" in page
    assert theirs.name not in page
    assert "1 not assigned to you" in page


def test_upload_of_yaml_adds_the_scenario_and_highlights_it(facilitator):
    text = yaml.safe_dump(builders.document(key="uploaded-yaml", title="Uploaded by hand")).encode()
    response = upload(signed_in(facilitator), "pass.yaml", text, follow=True)
    scenario = Scenario.objects.get(key="uploaded-yaml")
    assert response.redirect_chain[-1][0] == f"{LIBRARY}?new={scenario.pk}#scenario-{scenario.pk}"
    page = response.content.decode()
    assert "was added to the library" in page
    assert f'<tr id="scenario-{scenario.pk}" class="new-row">' in page
    assert scenario.created_by == facilitator.user


def test_upload_of_a_workbook_adds_the_scenario(facilitator):
    raw = workbook(builders.document(key="from-book"), ("Scenario", "B3", "Told in a workbook"))
    response = upload(signed_in(facilitator), "book.xlsx", raw)
    assert response.status_code == 302
    scenario = Scenario.objects.get(key="from-book")
    assert scenario.title == "Told in a workbook"
    assert scenario.injects.count() == len(builders.document()["injects"])


def test_a_workbook_with_problems_lists_each_cell_and_stores_nothing(facilitator):
    raw = workbook(builders.document(key="broken"), ("MSEL", "B2", "soon"), ("MSEL", "D3", "ARC, XYZ"))
    response = upload(signed_in(facilitator), "broken.xlsx", raw)
    assert response.status_code == 400
    page = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*data-focus>.*?</div>', page, re.S)
    assert summary, page
    assert "“broken.xlsx” was not imported" in summary[0]
    assert 'href="#problem-list"' in summary[0]
    problems = re.search(r'<ol id="problem-list".*?</ol>', page, re.S)
    assert problems
    assert "<code>MSEL!B2</code>: " in problems[0]
    assert "&#x27;soon&#x27; is not a duration" in problems[0]
    assert "<code>MSEL!D3</code>: " in problems[0]
    assert "unknown team key &#x27;XYZ&#x27;" in problems[0]
    assert not Scenario.objects.filter(key="broken").exists()


def test_a_broken_yaml_file_and_a_taken_key_are_told(facilitator, scenario):
    client = signed_in(facilitator)
    broken = upload(client, "bad.yml", b"key: [unclosed\n")
    assert broken.status_code == 400
    assert "“bad.yml” was not imported" in broken.content.decode()
    taken = upload(client, "again.json", json.dumps(builders.document(key=scenario.key)).encode())
    assert taken.status_code == 409
    assert "already exists" in taken.content.decode()
    huge = upload(client, "huge.yaml", b"# " + b"x" * (2 * 1024 * 1024 + 1))
    assert huge.status_code == 413
    assert "a scenario file may be at most 2 MB" in huge.content.decode()
    wrong = upload(client, "notes.txt", b"key: x")
    assert wrong.status_code == 400
    assert "ends in &#x27;.txt&#x27;" in wrong.content.decode()
    assert Scenario.objects.count() == 1


def test_duplicate_makes_a_copy_under_the_new_key(facilitator, scenario):
    client = signed_in(facilitator)
    response = client.post(f"{LIBRARY}{scenario.pk}/duplicate", {"key": f"{scenario.key}-copy"})
    copy = Scenario.objects.get(key=f"{scenario.key}-copy")
    assert response.status_code == 302
    assert response["Location"] == f"{LIBRARY}?new={copy.pk}#scenario-{copy.pk}"
    assert copy.title == scenario.title
    assert copy.injects.count() == scenario.injects.count() > 0
    assert copy.created_by == facilitator.user

    again = client.post(f"{LIBRARY}{scenario.pk}/duplicate", {"key": f"{scenario.key}-copy"})
    assert again.status_code == 409
    assert f"A scenario with the key &#x27;{scenario.key}-copy&#x27; already exists." in again.content.decode()
    bad = client.post(f"{LIBRARY}{scenario.pk}/duplicate", {"key": "no spaces allowed"})
    assert bad.status_code == 400
    assert Scenario.objects.count() == 2


def test_delete_is_refused_while_an_exercise_uses_the_scenario(facilitator, exercise):
    client = signed_in(facilitator)
    response = client.post(f"{LIBRARY}{exercise.scenario_id}/delete", {"confirm": "yes"})
    assert response.status_code == 409
    assert "cannot be deleted: it is used by 1 exercise." in response.content.decode()
    assert Scenario.objects.filter(pk=exercise.scenario_id).exists()


def test_delete_of_an_unused_scenario_asks_for_confirmation(facilitator, scenario):
    client = signed_in(facilitator)
    unconfirmed = client.post(f"{LIBRARY}{scenario.pk}/delete", {})
    assert unconfirmed.status_code == 400
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    response = client.post(f"{LIBRARY}{scenario.pk}/delete", {"confirm": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == LIBRARY
    assert "was deleted from the library" in response.content.decode()
    assert not Scenario.objects.filter(pk=scenario.pk).exists()


def test_an_exercise_asked_for_after_its_scenario_was_deleted_is_refused_as_not_found(facilitator, scenario):
    """The one who opened the form before the deletion gets a message, not a foreign-key error."""
    stale = Scenario.objects.get(pk=scenario.pk)
    delete_scenario(caller=facilitator.caller, scenario_id=scenario.pk)
    with pytest.raises(NotFound, match="has been deleted"):
        exercises.create_exercise(caller=facilitator.caller, scenario=stale, name="Too late")
    assert not Exercise.objects.filter(name="Too late").exists()


@pytest.mark.parametrize("role", ["evaluator", "observer"])
def test_other_staff_read_and_download_but_change_nothing(role, facilitator, scenario):
    client = signed_in(builders.staff(role))
    page = client.get(LIBRARY).content.decode()
    assert scenario.title in page
    assert f"/api/v1/scenarios/{scenario.pk}?format=xlsx" in page
    assert 'type="file"' not in page
    assert "/delete" not in page
    assert "/duplicate" not in page
    text = yaml.safe_dump(builders.document(key="sneaked-in")).encode()
    assert upload(client, "x.yaml", text).status_code == 403
    assert client.post(f"{LIBRARY}{scenario.pk}/delete", {"confirm": "yes"}).status_code == 403
    assert client.post(f"{LIBRARY}{scenario.pk}/duplicate", {"key": "copied"}).status_code == 403
    assert list(Scenario.objects.values_list("key", flat=True)) == [scenario.key]


def test_every_form_carries_a_csrf_token(facilitator, scenario):
    client = Client(enforce_csrf_checks=True)
    assert client.login(username=facilitator.user.username, password=facilitator.password)
    page = client.get(LIBRARY).content.decode()
    forms = re.findall(r'<form method="post".*?</form>', page, re.S)
    assert len(forms) == 6  # upload, new scenario, edit, duplicate, delete, sign out
    assert all('name="csrfmiddlewaretoken"' in form for form in forms)
    assert client.post(f"{LIBRARY}{scenario.pk}/delete", {"confirm": "yes"}).status_code == 403
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get(LIBRARY)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_tags_are_shown_and_searched(facilitator):
    builders.scenario(facilitator.caller, title="Lanto Bank", tags=["Maritime", "admm-plus"])
    builders.scenario(facilitator.caller, title="Karst Pass")
    client = signed_in(facilitator)
    page = client.get(LIBRARY, {"q": "maritime"}).content.decode()
    assert "Lanto Bank" in page
    assert "Karst Pass" not in page
    assert f'<a href="{LIBRARY}?q=admm-plus">admm-plus</a>' in page
    assert "Lanto Bank" not in client.get(LIBRARY, {"q": "mari"}).content.decode()  # a tag is matched whole


def test_new_exercise_from_the_library_opens_the_form_with_the_scenario_chosen(facilitator, scenario):
    other = builders.scenario(facilitator.caller, title="Another one")
    client = signed_in(facilitator)
    assert f'href="/facilitator/?scenario={other.pk}#new-heading"' in client.get(LIBRARY).content.decode()
    page = client.get("/facilitator/", {"scenario": other.pk}).content.decode()
    assert f'<option value="{other.pk}" selected>Another one</option>' in page
    assert f'<option value="{scenario.pk}">' in page
