import asyncio
import contextlib
import os
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from exercise.demo import load_demo
from exercise.ticker import run_clock


class Command(BaseCommand):
    help = "Serve the app on one ASGI process, print where to sign in and the demo join codes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def handle(self, *args: Any, **options: Any) -> None:
        demo = load_demo()
        base = f"http://{options['host']}:{options['port']}"
        lines = [
            "",
            f"Parley is running at {base}/",
            f"  Facilitator sign-in: {base}/accounts/login/  user {demo.username}  password {demo.password}",
            f"  Demo exercise:       {base}/facilitator/exercises/{demo.exercise.pk}/",
            f"  Players join at:     {base}/join/  with their team's code:",
        ]
        lines += [f"    {team.key:<5} {team.name:<32} {team.join_code}" for team in demo.exercise.teams.all()]
        if demo.played:
            lines.append(f"  A played exercise:   {base}/exercises/{demo.played.pk}/review/  (its after-action review)")
        lines += [f"  API docs:            {base}/api/v1/docs", "Press Ctrl+C to stop.", ""]
        self.stdout.write("\n".join(lines))
        config = uvicorn.Config(
            "config.asgi:application", host=options["host"], port=options["port"], log_level="warning"
        )
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(uvicorn.Server(config)))


async def serve(server: uvicorn.Server) -> None:
    # With Redis configured, Celery beat and a worker drive the clock instead.
    clock = None if settings.REDIS_URL else asyncio.create_task(run_clock())
    try:
        await server.serve()
    finally:
        if clock:
            clock.cancel()
