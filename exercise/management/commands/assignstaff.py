from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercise.errors import DomainError
from exercise.roles import STAFF_ROLES
from exercise.staffing import assign_as_operator


class Command(BaseCommand):
    help = (
        "Assign a staff user to an exercise in a role, or change their role on it. Facilitators "
        "do this in the API; this is for an exercise none of whose facilitators can sign in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("exercise_id", type=int)
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in STAFF_ROLES])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            row = assign_as_operator(
                exercise_id=options["exercise_id"], username=options["username"], role=options["role"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Assigned {row['username']} to exercise {options['exercise_id']} as {row['role']}.")
