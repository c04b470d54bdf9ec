from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercise.errors import Invalid
from exercise.roles import STAFF_ROLES, Role
from exercise.staff import create_staff


class Command(BaseCommand):
    help = "Create a staff user with a role and print an API token as the last word of the last line."
    role: Role | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        if self.role is None:
            parser.add_argument("--role", required=True, choices=[r.value for r in STAFF_ROLES])
        parser.add_argument("--password", help="Generated and printed when not given.")

    def handle(self, *args: Any, **options: Any) -> None:
        role = self.role or Role(options["role"])
        try:
            user, password, token = create_staff(username=options["username"], role=role, password=options["password"])
        except Invalid as exc:
            raise CommandError(exc.message) from exc
        if not options["password"]:
            self.stdout.write(f"Password: {password}")
        self.stdout.write(f"Created {role.value} {user}. API token: {token}")
