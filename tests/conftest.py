"""Shared fixtures. Tests that need a service nobody started (Redis, Chromium) skip with
the reason, unless REQUIRE_SERVICES=1 (CI), which turns that skip into a failure."""

import os

import pytest
from django.test import Client

from exercise import exercises
from tests import builders

# Subprocesses of the production shape (Celery, uvicorn, a Redis of a test's own).
pytest_plugins = ["tests.processes"]


def require_service(name: str, why_missing: str | None) -> None:
    if why_missing is None:
        return
    message = f"needs {name}: {why_missing}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{message} (REQUIRE_SERVICES=1)")
    pytest.skip(message)


@pytest.fixture
def redis_url():
    """The URL of a reachable Redis (REDIS_URL), or a skip saying why not."""
    url = os.environ.get("REDIS_URL")
    if not url:
        require_service("Redis", "REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        require_service("Redis", f"cannot reach {url}: {exc}")
    return url


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counts and cached values must not leak from one test into the next."""
    from django.core.cache import cache

    from gateway import ratelimits

    cache.clear()
    ratelimits.forget_all()
    yield
    cache.clear()
    ratelimits.forget_all()


@pytest.fixture
def facilitator(db):
    return builders.staff("facilitator")


@pytest.fixture
def scenario(facilitator):
    return builders.scenario(facilitator.caller)


@pytest.fixture
def exercise(facilitator, scenario):
    return builders.exercise(facilitator.caller, scenario)


@pytest.fixture
def running_arc(facilitator, exercise):
    """The exercise started, with a player in ARC: the exercise, ARC's team and the player."""
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    arc = exercise.teams.get(key="ARC")
    return {"exercise": exercise, "arc": arc, "player": builders.player(arc, "Col. Amsel")}


@pytest.fixture
def api():
    return builders.ApiClient(Client())


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Staff users are made by the dozen in the role matrices; PBKDF2 would take minutes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
