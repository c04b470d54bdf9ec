"""Demo data for the embedded default: the scenario library (three two-hour demos and three
half-day scenarios), a facilitator and an exercise."""

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from exercise import staffing
from exercise.demo.played import PLAYED_EXERCISE, play_karst_pass, write_up
from exercise.document_text import parse_text
from exercise.errors import InvalidState
from exercise.exercises import create_exercise
from exercise.models import Exercise, Scenario
from exercise.roles import Role, caller_for_user
from exercise.scenarios import import_scenario

SCENARIO_DIR = Path(__file__).parent / "scenarios"
DEMO_USERNAME = "facilitator"
DEMO_PASSWORD = "parley-demo"
DEMO_SCENARIO = "karst-pass"
DEMO_EXERCISE = "Demo: Shots at Karst Pass"


@dataclass
class DemoData:
    username: str
    password: str
    exercise: Exercise
    created: list[str]
    played: Exercise | None = None


@transaction.atomic
def load_demo() -> DemoData:
    """Load what is missing and nothing else, so running it twice changes nothing."""
    created = []
    user, made = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    if made:
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=Role.FACILITATOR.value)[0])
        created.append(f"facilitator {DEMO_USERNAME}")
    caller = caller_for_user(user)
    if caller is None:
        raise InvalidState(f"The user '{DEMO_USERNAME}' exists without a staff role; give it the facilitator role.")
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        if not Scenario.objects.filter(key=path.stem).exists():
            import_scenario(caller=caller, document=parse_text(path.read_bytes(), yaml_syntax=True))
            created.append(f"scenario {path.stem}")
    exercise = Exercise.objects.filter(name=DEMO_EXERCISE).order_by("id").first()
    if exercise is None:
        scenario = Scenario.objects.get(key=DEMO_SCENARIO)
        exercise = create_exercise(caller=caller, scenario=scenario, name=DEMO_EXERCISE, speed=1.0)
        created.append(f"exercise {DEMO_EXERCISE}")
    played = Exercise.objects.filter(name=PLAYED_EXERCISE).order_by("id").first()
    if played is None:
        played = play_karst_pass(caller, Scenario.objects.get(key=DEMO_SCENARIO))
        write_up(played, caller)
        created.append(f"exercise {PLAYED_EXERCISE}")
    for shown in (exercise, played):  # also when an earlier load made them before staff were per exercise
        staffing.ensure_assigned(exercise=shown, user=user, role=Role.FACILITATOR)
    return DemoData(username=DEMO_USERNAME, password=DEMO_PASSWORD, exercise=exercise, created=created, played=played)
