"""Staff per exercise over the API: who is assigned to an exercise, in what role."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from exercise import exercises, staffing
from exercise.roles import caller_of
from gateway.schemas import Out

router = Router(tags=["facilitator"])


class AssignmentIn(Schema):
    username: str = Field(max_length=150)
    role: str = Field(description="facilitator, evaluator or observer")


class AssignmentOut(Out):
    username: str
    role: str


@router.get(
    "/exercises/{exercise_id}/staff", response=list[AssignmentOut], summary="The staff assigned to the exercise"
)
def list_staff(request: HttpRequest, exercise_id: int) -> list[dict[str, str]]:
    return staffing.staff_list(caller=caller_of(request), exercise=exercises.get_exercise(exercise_id))


@router.post(
    "/exercises/{exercise_id}/staff",
    response=AssignmentOut,
    summary="Assign a staff user to the exercise, or change their role on it (facilitator)",
)
def assign_staff(request: HttpRequest, exercise_id: int, payload: AssignmentIn) -> dict[str, str]:
    exercise = exercises.get_exercise(exercise_id)
    return staffing.assign(caller=caller_of(request), exercise=exercise, username=payload.username, role=payload.role)


@router.delete(
    "/exercises/{exercise_id}/staff/{username}",
    response=list[AssignmentOut],
    summary="Take a staff user off the exercise (facilitator); answers the staff who remain",
)
def unassign_staff(request: HttpRequest, exercise_id: int, username: str) -> list[dict[str, str]]:
    caller, exercise = caller_of(request), exercises.get_exercise(exercise_id)
    staffing.unassign(caller=caller, exercise=exercise, username=username)
    return staffing.staff_list(caller=caller, exercise=exercise)
