"""Running a scenario again: duplicating an exercise into a new draft, and resetting a draft
to what its scenario made, through the API, and who may do either."""

import pytest
from channels.db import database_sync_to_async

from exercise import exercises, injects
from exercise.models import ApiToken, Event, Exercise, Player
from tests import builders
from tests.api.test_exercises_api import REACH, assert_error, drive
from tests.realtime.sockets import open_socket, receive_until

EXERCISES = "/api/v1/exercises"


def duplicate(api, exercise: Exercise, token: str):
    return api.post(f"{EXERCISES}/{exercise.pk}/duplicate", token=token)


def reset(api, exercise: Exercise, token: str):
    return api.post(f"{EXERCISES}/{exercise.pk}/reset", token=token)


def codes(exercise: Exercise) -> dict[str, str]:
    return dict(exercise.teams.values_list("key", "join_code"))


def edit_i2(facilitator: builders.Staff, exercise: Exercise) -> None:
    injects.edit(
        caller=facilitator.caller,
        exercise_id=exercise.pk,
        key="I2",
        title="Casualties confirmed",
        body="Rewritten for this course.",
        severity="high",
    )


# --- duplicate ---------------------------------------------------------------------


def test_a_duplicate_is_a_new_draft_with_the_same_settings_and_new_join_codes(api, facilitator, exercise):
    exercises.set_speed(caller=facilitator.caller, exercise_id=exercise.pk, speed=4)
    builders.player(exercise.teams.get(key="ARC"))
    response = duplicate(api, exercise, facilitator.token)

    assert response.status_code == 201, response.content
    made = response.json()
    assert set(made) == {"id", "status", "teams"}  # the shape of POST /exercises
    copy = Exercise.objects.get(pk=made["id"])
    assert copy.pk != exercise.pk and made["status"] == "draft"
    assert (copy.scenario_id, copy.speed, copy.name) == (exercise.scenario_id, 4.0, f"{exercise.name} (copy)")
    assert [t["key"] for t in made["teams"]] == ["ARC", "BOR", "CAL"]
    new_codes = {t["key"]: t["join_code"] for t in made["teams"]}
    assert new_codes == codes(copy)
    assert not set(new_codes.values()) & set(codes(exercise).values())
    assert not Player.objects.filter(team__exercise=copy).exists()
    assert not Event.objects.filter(exercise=copy).exists()
    assert codes(exercise) != new_codes and Player.objects.filter(team__exercise=exercise).count() == 1


def test_a_duplicate_keeps_the_facilitators_inject_edits_and_is_a_draft_of_a_played_run(api, facilitator, exercise):
    edit_i2(facilitator, exercise)
    drive(facilitator, exercise, "start")
    injects.release_now(caller=facilitator.caller, exercise_id=exercise.pk, key="I1")
    drive(facilitator, exercise, "end")

    made = duplicate(api, exercise, facilitator.token).json()
    detail = api.get(f"{EXERCISES}/{made['id']}", token=facilitator.token).json()
    assert detail["status"] == "draft" and detail["exercise_time"] == 0
    assert [(i["key"], i["title"], i["status"]) for i in detail["injects"]] == [
        ("I1", "Exchange of fire at Karst Pass border post", "pending"),
        ("I2", "Casualties confirmed", "pending"),
    ]
    copied = Exercise.objects.get(pk=made["id"]).injects.get(key="I2")
    assert (copied.body_override, copied.severity_override) == ("Rewritten for this course.", "high")


def test_the_name_of_a_copy_stays_within_the_limit(api, facilitator, scenario):
    long_named = builders.exercise(facilitator.caller, scenario, name="N" * 200)
    made = duplicate(api, long_named, facilitator.token).json()
    name = Exercise.objects.get(pk=made["id"]).name
    assert len(name) == 200 and name.endswith(" (copy)")


# --- reset -------------------------------------------------------------------------


def test_reset_puts_a_draft_back_as_its_scenario_made_it(api, facilitator, exercise):
    exercises.set_speed(caller=facilitator.caller, exercise_id=exercise.pk, speed=3)
    edit_i2(facilitator, exercise)
    joined = builders.player(exercise.teams.get(key="ARC"))
    before = codes(exercise)
    log = list(Event.objects.filter(exercise=exercise).values_list("seq", "kind"))

    response = reset(api, exercise, facilitator.token)

    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["status"] == "draft" and detail["speed"] == 3 and detail["name"] == exercise.name
    assert {t["key"]: t["join_code"] for t in detail["teams"]} == before  # codes handed out stay good
    assert [(i["key"], i["title"], i["status"]) for i in detail["injects"]] == [
        ("I1", "Exchange of fire at Karst Pass border post", "pending"),
        ("I2", "Second exchange of fire; casualties reported", "pending"),
    ]
    i2 = exercise.injects.get(key="I2")
    assert (i2.body_override, i2.severity_override) == (None, "")
    assert not Player.objects.filter(team__exercise=exercise).exists()
    assert not ApiToken.objects.filter(player=joined.player.pk).exists()
    # The log stays, and says the edit was undone, so that the consoles draw the script again.
    after = list(Event.objects.filter(exercise=exercise).values_list("seq", "kind"))
    assert after == [*log, (len(log) + 1, "inject.edited")]
    undone = Event.objects.get(exercise=exercise, seq=len(log) + 1)
    assert (undone.data["key"], undone.data["title"]) == ("I2", "Second exchange of fire; casualties reported")
    refused = api.post(f"{EXERCISES}/{exercise.pk}/hotlines", {"to": "BOR"}, token=joined.token)
    assert_error(refused, 401)


def test_a_reset_draft_runs_as_a_fresh_one(api, facilitator, exercise):
    exercises.set_speed(caller=facilitator.caller, exercise_id=exercise.pk, speed=2)
    builders.player(exercise.teams.get(key="BOR"))
    assert reset(api, exercise, facilitator.token).status_code == 200
    arc = builders.player(exercise.teams.get(key="ARC"))  # the same code joins the new team
    drive(facilitator, exercise, "start")
    events = api.get(f"{EXERCISES}/{exercise.pk}/events", token=arc.token).json()
    assert [(e["kind"], e["prev"]) for e in events] == [("exercise.speed_changed", 0), ("exercise.started", 1)]


@pytest.mark.parametrize("status", ["running", "paused", "ended"])
def test_only_a_draft_can_be_reset(api, facilitator, exercise, status):
    drive(facilitator, exercise, *REACH[status])
    player = builders.player(exercise.teams.get(key="ARC")) if status != "ended" else None
    error = assert_error(reset(api, exercise, facilitator.token), 409)
    assert error["code"] == "invalid_state"
    assert f"this exercise is {status}" in error["message"] and "Duplicate it" in error["message"]
    assert Exercise.objects.get(pk=exercise.pk).status == status
    if player:
        assert Player.objects.filter(pk=player.player.pk).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_player_removed_by_a_reset_hears_nothing_more(facilitator, exercise):
    def join_arc(name: str) -> builders.Joined:
        return builders.player(exercise.teams.get(key="ARC"), name)

    removed = await database_sync_to_async(join_arc)("Rehearsal")
    old_socket = await open_socket(exercise.pk, token=removed.token)
    await database_sync_to_async(lambda: exercises.reset_draft(caller=facilitator.caller, exercise_id=exercise.pk))()
    joined = await database_sync_to_async(join_arc)("Col. Amsel")
    new_socket = await open_socket(exercise.pk, token=joined.token)

    started = await database_sync_to_async(drive)(facilitator, exercise, "start")
    [frame] = await receive_until(new_socket, started.last_seq)
    assert frame["kind"] == "exercise.started"
    # The event went to the groups of the teams now in the exercise; the removed player's
    # socket is subscribed to the group of a team that no longer exists.
    assert await old_socket.receive_nothing(timeout=0.1)
    await old_socket.disconnect()
    await new_socket.disconnect()


# --- who may ----------------------------------------------------------------------


@pytest.mark.parametrize("action", [duplicate, reset])
def test_only_facilitators_duplicate_or_reset(api, facilitator, exercise, action):
    player = builders.player(exercise.teams.get(key="ARC"))
    for role in ("evaluator", "observer"):
        assert_error(action(api, exercise, builders.staff(role).token), 403)
    assert_error(action(api, exercise, player.token), 403)
    assert_error(action(api, exercise, ""), 401)
    assert_error(action(api, exercise, "not-a-token"), 401)
    assert Exercise.objects.count() == 1 and Player.objects.filter(pk=player.player.pk).exists()


@pytest.mark.parametrize(("action", "status"), [(duplicate, 201), (reset, 200)])
def test_another_facilitator_may_as_with_every_exercise_control(api, exercise, action, status):
    # Staff are not assigned to exercises yet: any facilitator controls any exercise, and
    # duplicating or resetting follows the clock's controls in that.
    assert action(api, exercise, builders.staff("facilitator").token).status_code == status


@pytest.mark.parametrize("action", [duplicate, reset])
def test_an_unknown_exercise_is_404(api, facilitator, action):
    assert_error(action(api, Exercise(pk=999_999), facilitator.token), 404)
