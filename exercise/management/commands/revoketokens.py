from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercise.access import revoke_tokens


class Command(BaseCommand):
    help = (
        "End every serving API token of a staff user (--user), or of every player of an "
        "exercise (--exercise), now; server processes drop what they keep of them within a minute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        whose = parser.add_mutually_exclusive_group(required=True)
        whose.add_argument("--user", metavar="USERNAME")
        whose.add_argument("--exercise", type=int, metavar="ID")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["exercise"] is not None and options["exercise"] < 1:
            raise CommandError("--exercise takes an exercise's id, a positive number.")
        count = revoke_tokens(username=options["user"], exercise_id=options["exercise"])
        whose = f"staff user {options['user']}" if options["user"] else f"the players of exercise {options['exercise']}"
        self.stdout.write(f"Revoked {count} token{'' if count == 1 else 's'} of {whose}.")
