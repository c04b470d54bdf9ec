"""Who may open and write each part of the review, and what a team's debrief lets it see."""

import datetime
import uuid
from dataclasses import dataclass
from html import unescape

import pytest
from django.test import Client

from exercise import actions, dialogues, exercises, hotlines, jointops, reports
from exercise.demo.played import advance
from exercise.errors import Conflict, InvalidState, NotAllowed
from exercise.models import (
    Exercise,
    FeedbackReceipt,
    HotwashNote,
    ImprovementItem,
    ObjectiveFinding,
    ParticipantFeedback,
)
from exercise.review import feedback, report
from gateway.errors import domain_error_response
from tests import builders
from tests.review.conftest import player_client, staff_client

pytestmark = pytest.mark.django_db

STAFF = ["observer", "evaluator", "facilitator"]
READERS = ["observer", "evaluator"]
UNKNOWN = 987654


def page_reads(exercise_id: int) -> list[str]:
    base = f"/exercises/{exercise_id}"
    return [f"{base}/review/", f"{base}/review/replay?t=600&as=DRV", f"{base}/review.pdf", f"{base}/events.csv"]


def page_writes(exercise_id: int) -> dict[str, dict[str, str]]:
    base = f"/exercises/{exercise_id}/review"
    return {
        f"{base}/findings/O1": {"O1-strengths": "Quick calls.", "O1-areas": "Vague answers."},
        f"{base}/hotwash": {"text": "Call earlier."},
        f"{base}/improvements": {
            "area": "Slow answers.",
            "action": "Drill the hotline.",
            "organisation": "Sarnek MoD",
            "owner": "J3",
            "due": "2027-05-01",
            "status": "not_started",
        },
    }


def written(exercise: Exercise) -> tuple[int, int, int]:
    return (
        ObjectiveFinding.objects.filter(exercise=exercise).count(),
        HotwashNote.objects.filter(exercise=exercise).count(),
        ImprovementItem.objects.filter(exercise=exercise).count(),
    )


def api_paths(exercise_id: int) -> list[str]:
    return [f"/api/v1/exercises/{exercise_id}/review", f"/api/v1/exercises/{exercise_id}/improvements"]


PLAN_ITEM = {"area": "a", "action": "b", "organisation": "o", "owner": "w", "due": "2027-05-01"}


# --- pages -------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(karst_run):
    client = Client()
    for path in page_reads(karst_run.exercise.pk):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/?next="), path
    for path, form in page_writes(karst_run.exercise.pk).items():
        response = client.post(path, form)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path
    assert written(karst_run.exercise) == (0, 1, 1)  # only the write-up's


def test_a_player_session_opens_no_review_page(karst_run):
    client = player_client(karst_run.players["DRV"])
    assert client.get("/team/debrief/").status_code == 200  # the session is a real player's
    for path in page_reads(karst_run.exercise.pk):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), path
    for path, form in page_writes(karst_run.exercise.pk).items():
        assert client.post(path, form).status_code in (302, 403), path
    assert written(karst_run.exercise) == (0, 1, 1)


def test_a_signed_in_user_without_a_staff_role_is_refused(karst_run):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user(username="nobody", password="x")
    client = Client()
    client.force_login(nobody)
    for path in page_reads(karst_run.exercise.pk):
        assert client.get(path).status_code == 403, path


@pytest.mark.parametrize("role", STAFF)
def test_every_staff_role_reads_every_review_page(karst_run, role):
    client = staff_client(builders.staff(role))
    review, replay, pdf, events = (client.get(path) for path in page_reads(karst_run.exercise.pk))
    assert review.status_code == 200 and b"After-action review" in review.content
    assert replay.status_code == 200 and b"As it stood at" in replay.content
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert events.status_code == 200 and events["Content-Type"].startswith("text/csv")
    page = review.content.decode()
    can_write = role == "facilitator"
    assert ("Add to the plan" in page) is can_write
    assert ("Add hotwash note" in page) is can_write
    assert ("Save findings for O1" in page) is can_write


@pytest.mark.parametrize("role", READERS)
def test_observers_and_evaluators_cannot_write_into_the_review(karst_run, role):
    client = staff_client(builders.staff(role))
    for path, form in page_writes(karst_run.exercise.pk).items():
        response = client.post(path, form)
        assert response.status_code >= 400, path
    assert written(karst_run.exercise) == (0, 1, 1)


@pytest.mark.parametrize("role", READERS)
def test_observers_and_evaluators_writing_get_403(karst_run, role):
    client = staff_client(builders.staff(role))
    statuses = {path: client.post(path, form).status_code for path, form in page_writes(karst_run.exercise.pk).items()}
    assert set(statuses.values()) == {403}, statuses


def test_the_facilitator_writes_into_the_review_from_the_page(karst_run):
    client = staff_client(karst_run.facilitator)
    for path, form in page_writes(karst_run.exercise.pk).items():
        response = client.post(path, form)
        assert response.status_code == 302, path
        assert response["Location"].startswith(f"/exercises/{karst_run.exercise.pk}/review/#"), path
    assert written(karst_run.exercise) == (1, 2, 2)


def test_review_pages_of_an_unknown_exercise_are_404(karst_run):
    client = staff_client(karst_run.facilitator)
    for path in page_reads(UNKNOWN):
        assert client.get(path).status_code == 404, path
    for path, form in page_writes(UNKNOWN).items():
        assert client.post(path, form).status_code == 404, path


def test_review_pages_refuse_other_methods(karst_run):
    client = staff_client(karst_run.facilitator)
    for path in page_writes(karst_run.exercise.pk):
        assert client.get(path).status_code == 405, path


# --- the API -----------------------------------------------------------------------


def test_the_api_answers_401_without_credentials(karst_run):
    api = builders.ApiClient(Client())
    for path in api_paths(karst_run.exercise.pk):
        response = api.get(path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "not_authenticated"
    assert api.post(api_paths(karst_run.exercise.pk)[1], PLAN_ITEM).status_code == 401
    assert api.get(api_paths(karst_run.exercise.pk)[0], token="not-a-token").status_code == 401


def test_the_api_refuses_players_by_token_and_by_session(karst_run):
    joined = karst_run.players["DRV"]
    by_token = builders.ApiClient(Client())
    by_session = builders.ApiClient(player_client(joined))
    for path in api_paths(karst_run.exercise.pk):
        for response in (by_token.get(path, token=joined.token), by_session.get(path)):
            assert response.status_code == 403, path
            assert response.json()["error"]["code"] == "forbidden"
    assert by_token.post(api_paths(karst_run.exercise.pk)[1], PLAN_ITEM, token=joined.token).status_code == 403
    assert ImprovementItem.objects.filter(exercise=karst_run.exercise).count() == 1


@pytest.mark.parametrize("role", STAFF)
def test_every_staff_role_reads_the_review_and_plan_over_the_api(karst_run, role):
    member = builders.staff(role)
    api = builders.ApiClient(Client())
    review, plan = (api.get(path, token=member.token) for path in api_paths(karst_run.exercise.pk))
    assert review.status_code == 200 and review.json()["exercise"]["id"] == karst_run.exercise.pk
    assert plan.status_code == 200 and len(plan.json()) == 1


@pytest.mark.parametrize("role", READERS)
def test_only_facilitators_add_plan_items_over_the_api(karst_run, role):
    member = builders.staff(role)
    response = builders.ApiClient(Client()).post(
        f"/api/v1/exercises/{karst_run.exercise.pk}/improvements", PLAN_ITEM, token=member.token
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert ImprovementItem.objects.filter(exercise=karst_run.exercise).count() == 1


def test_the_api_answers_404_for_an_unknown_exercise(karst_run):
    api = builders.ApiClient(Client())
    token = karst_run.facilitator.token
    for path in api_paths(UNKNOWN):
        response = api.get(path, token=token)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    assert api.post(api_paths(UNKNOWN)[1], PLAN_ITEM, token=token).status_code == 404


# --- the debrief -------------------------------------------------------------------

SECRETS = (
    "bor-cal hotline words",
    "cal-bor hotline reply",
    "bor-cal backchannel",
    "cal speaks in the backchannel",
    "bor-cal joint patrol",
    "bor situation report",
)
PUBLIC = "arc announces calm"


@dataclass
class Small:
    exercise: Exercise
    facilitator: builders.Staff
    players: dict[str, builders.Joined]


def small_run(*, end: bool = True) -> Small:
    """Three teams; BOR and CAL use every private channel there is, ARC acts in public."""
    facilitator = builders.staff("facilitator")
    exercise = builders.exercise(facilitator.caller, builders.scenario(facilitator.caller), speed=1.0)
    teams = {t.key: t for t in exercise.teams.all()}
    players = {key: builders.player(teams[key], f"Player of {key}") for key in teams}
    bor, cal = players["BOR"].caller, players["CAL"].caller
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    advance(exercise, 6 * 60)  # I1 goes to ARC and BOR at 5 minutes
    line = hotlines.request_call(caller=bor, exercise_id=exercise.pk, to="CAL").obj.pk
    hotlines.answer_call(caller=cal, hotline_id=line, accept=True)
    hotlines.send_message(caller=bor, hotline_id=line, text=SECRETS[0])
    hotlines.send_message(caller=cal, hotline_id=line, text=SECRETS[1])
    dialogue = dialogues.convene(caller=bor, exercise_id=exercise.pk, title=SECRETS[2], invite=["CAL"]).obj.pk
    dialogues.send_message(caller=cal, dialogue_id=dialogue, text=SECRETS[3])
    jointops.propose(caller=bor, exercise_id=exercise.pk, kind="joint_patrol", partners=["CAL"], objective=SECRETS[4])
    reports.submit(caller=bor, exercise_id=exercise.pk, inject="I1", text=SECRETS[5])
    actions.take(caller=players["ARC"].caller, exercise_id=exercise.pk, kind="public_statement", text=PUBLIC)
    advance(exercise, 60)
    if end:
        exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="end")
    exercise.refresh_from_db()
    return Small(exercise, facilitator, players)


PRIVATE_FAMILIES = ("hotline.", "dialogue.", "statement.", "jointop.", "report.")
STAFF_KINDS = ("expectation.", "rating.", "note.")


def test_a_team_debrief_shows_nothing_of_other_teams_private_channels():
    run = small_run()
    arc = report.debrief(caller=run.players["ARC"].caller, exercise=run.exercise)
    kinds = [row["kind"] for row in arc["timeline"]]
    assert not [k for k in kinds if k.startswith(PRIVATE_FAMILIES + STAFF_KINDS)]
    assert "inject.released" in kinds and "exercise.ended" in kinds
    assert any(PUBLIC in row["text"] for row in arc["timeline"])
    shown = str(arc)
    for secret in SECRETS:
        assert secret not in shown

    page = player_client(run.players["ARC"]).get("/team/debrief/")
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert PUBLIC in html
    for secret in SECRETS:
        assert secret not in html

    cal = player_client(run.players["CAL"]).get("/team/debrief/")
    cal_html = unescape(cal.content.decode())
    for secret in SECRETS[:5]:  # every channel CAL was part of
        assert secret in cal_html
    assert SECRETS[5] not in cal_html  # BOR's report went to staff, not to CAL


def test_a_debrief_timeline_is_what_the_events_endpoint_gave_that_team():
    run = small_run()
    api = builders.ApiClient(Client())
    for key, joined in run.players.items():
        response = api.get(f"/api/v1/exercises/{run.exercise.pk}/events?after=0", token=joined.token)
        assert response.status_code == 200
        body = response.json()
        envelopes = body["events"] if isinstance(body, dict) else body
        debrief = report.debrief(caller=joined.caller, exercise=run.exercise)
        assert [row["seq"] for row in debrief["timeline"]] == [e["seq"] for e in envelopes], key


def test_a_debrief_shows_the_team_its_own_expectations_and_ratings(karst_run):
    drv = report.debrief(caller=karst_run.players["DRV"].caller, exercise=karst_run.fresh())
    assert drv["team"]["key"] == "DRV" and drv["total"] == 75
    # E12 is the restraint on raising alert, E14 serves DRV's national objective DRV-1.
    assert {e["expectation"] for e in drv["expectations"]} == {"E1", "E4", "E5", "E7", "E8", "E10", "E11", "E12", "E14"}
    assert [(r["objective"], [x["rating"] for x in r["ratings"]]) for r in drv["ratings"]] == [("O1", ["P"])]
    ulm = report.debrief(caller=karst_run.players["ULM"].caller, exercise=karst_run.fresh())
    assert ulm["ratings"] == []
    assert not [row for row in ulm["timeline"] if row["kind"].startswith(("hotline.", "jointop."))]
    assert not [row for row in ulm["timeline"] if row["data"].get("key") == "I4"]  # sent to DRV only


def test_the_debrief_opens_only_after_the_end():
    run = small_run(end=False)
    arc = run.players["ARC"]
    with pytest.raises(InvalidState):
        report.debrief(caller=arc.caller, exercise=run.exercise)
    response = player_client(arc).get("/team/debrief/")
    assert response.status_code == 302 and response["Location"] == "/team/"
    with pytest.raises(InvalidState):
        feedback.give(caller=arc.caller, realism=4, usefulness=4)
    exercises.change_status(caller=run.facilitator.caller, exercise_id=run.exercise.pk, transition="end")
    assert player_client(arc).get("/team/debrief/").status_code == 200


def test_the_debrief_is_for_players_of_the_exercise_only(karst_run):
    with pytest.raises(NotAllowed):
        report.debrief(caller=karst_run.facilitator.caller, exercise=karst_run.fresh())
    other = small_run()
    with pytest.raises(NotAllowed):
        report.debrief(caller=other.players["ARC"].caller, exercise=karst_run.fresh())
    anonymous = Client().get("/team/debrief/")
    assert anonymous.status_code == 302 and anonymous["Location"] == "/join/"
    staff = staff_client(karst_run.facilitator).get("/team/debrief/")
    assert staff.status_code == 302 and staff["Location"] == "/join/"


# --- feedback ----------------------------------------------------------------------


def test_feedback_is_taken_once_per_player_by_the_service(karst_run):
    srk = karst_run.players["SRK"].caller
    feedback.give(caller=srk, realism=5, usefulness=5)
    with pytest.raises(Conflict) as refused:
        feedback.give(caller=srk, realism=1, usefulness=1, anonymous=True)
    assert domain_error_response(refused.value).status_code == 409
    assert ParticipantFeedback.objects.filter(exercise=karst_run.exercise).count() == 3  # two from the write-up


def test_feedback_is_taken_once_per_player_from_the_page(karst_run):
    client = player_client(karst_run.players["SRK"])
    answers = {"realism": "4", "usefulness": "5", "went_well": "Good pace.", "to_improve": ""}
    first = client.post("/team/feedback", answers)
    assert first.status_code == 302 and first["Location"] == "/team/debrief/"
    assert "You have answered" in client.get("/team/debrief/").content.decode()
    again = client.post("/team/feedback", answers | {"went_well": "Second go."})
    assert again.status_code == 400
    assert not ParticipantFeedback.objects.filter(went_well="Second go.").exists()
    assert ParticipantFeedback.objects.filter(exercise=karst_run.exercise).count() == 3


def test_an_invalid_feedback_form_is_answered_400_with_what_was_typed(karst_run):
    client = player_client(karst_run.players["SRK"])
    response = client.post("/team/feedback", {"realism": "9", "usefulness": "5", "went_well": "Kept <here>."})
    assert response.status_code == 400
    assert "Kept &lt;here&gt;." in response.content.decode()
    assert not FeedbackReceipt.objects.filter(player=karst_run.players["SRK"].player).exists()


def test_anonymous_feedback_stores_neither_name_nor_team(karst_run):
    joined = karst_run.players["DRV"]
    client = player_client(joined)
    answers = {"realism": "2", "usefulness": "3", "went_well": "Injects were clear.", "anonymous": "on"}
    assert client.post("/team/feedback", answers).status_code == 302
    stored = ParticipantFeedback.objects.get(went_well="Injects were clear.")
    assert stored.team is None and stored.name == ""
    row = {k: v for k, v in vars(stored).items() if not k.startswith("_")}
    assert joined.player.name not in str(row) and "DRV" not in str(row)
    assert FeedbackReceipt.objects.filter(player=joined.player).exists()  # it still counts as answered
    review = report.review(caller=karst_run.facilitator.caller, exercise=karst_run.fresh(), timeline=False)
    answer = next(a for a in review["feedback"]["answers"] if a["went_well"] == "Injects were clear.")
    assert answer["name"] is None and answer["team"] is None
    page = staff_client(karst_run.facilitator).get(f"/exercises/{karst_run.exercise.pk}/review/")
    assert "Anonymous</strong>: realism 2" in page.content.decode()


def test_an_anonymous_answer_cannot_be_traced_through_the_receipts(karst_run):
    for key in ("DRV", "SRK"):
        feedback.give(
            caller=karst_run.players[key].caller, realism=3, usefulness=3, went_well=key, anonymous=key == "SRK"
        )
    secret = ParticipantFeedback.objects.get(exercise=karst_run.exercise, went_well="SRK")
    assert secret.team is None and secret.name == ""
    # A receipt records only who answered; an answer carries a random key and a date,
    # so neither time nor numbering pairs the anonymous answer with its receipt.
    assert {f.name for f in FeedbackReceipt._meta.get_fields()} == {"id", "player"}
    assert isinstance(secret.pk, uuid.UUID)
    assert not hasattr(secret, "created_at") and isinstance(secret.created_on, datetime.date)
