from typing import Any

from django.core.management.base import BaseCommand

from exercise.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo scenarios, facilitator and exercise; loads only what is missing. Not for production."

    def handle(self, *args: Any, **options: Any) -> None:
        demo = load_demo()
        if demo.created:
            self.stdout.write("Loaded " + ", ".join(demo.created) + ".")
        else:
            self.stdout.write("Demo data already loaded; nothing new.")
