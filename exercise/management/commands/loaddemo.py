from typing import Any

from django.core.management.base import BaseCommand, CommandError

from exercise.demo import load_demo
from exercise.errors import InvalidState


class Command(BaseCommand):
    help = "Load the demo scenarios, facilitator and exercise; loads only what is missing. Not for production."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            demo = load_demo()
        except InvalidState as exc:
            raise CommandError(exc.message) from exc
        if demo.created:
            self.stdout.write("Loaded " + ", ".join(demo.created) + ".")
        else:
            self.stdout.write("Demo data already loaded; nothing new.")
