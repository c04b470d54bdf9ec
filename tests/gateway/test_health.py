"""GET /api/v1/health: what serves, and 503 when the database cannot be reached."""

import os
import socket
import tomllib

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

HEALTH = "/api/v1/health"


def pyproject_version() -> str:
    with (django_settings.BASE_DIR / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["project"]["version"]


def test_anyone_learns_what_serves(db):
    response = Client().get(HEALTH)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "database": "postgresql",
        "layer": "redis" if os.environ.get("REDIS_URL") else "memory",
        "version": pyproject_version(),
    }


def test_the_production_shape_says_postgresql_and_redis(db, redis_url):
    body = Client().get(HEALTH).json()

    assert (body["database"], body["layer"]) == ("postgresql", "redis")


@pytest.mark.parametrize(
    ("backend", "layer"),
    [
        ("channels_redis.pubsub.RedisPubSubChannelLayer", "redis"),
        ("channels_redis.core.RedisChannelLayer", "redis"),
        ("channels.layers.InMemoryChannelLayer", "memory"),
    ],
)
def test_the_layer_is_the_configured_one(db, settings, backend, layer):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": backend}}

    assert Client().get(HEALTH).json()["layer"] == layer


def a_port_where_nothing_listens() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_gone(transactional_db):
    """The default database's address pointed at a port where nothing listens, with a
    pool that gives up after a second; put back afterwards."""
    database = connection.settings_dict
    saved = {key: database[key] for key in ("HOST", "PORT", "OPTIONS")}
    connection.close()
    connection.close_pool()
    database["HOST"], database["PORT"] = "127.0.0.1", a_port_where_nothing_listens()
    database["OPTIONS"] = {**saved["OPTIONS"], "pool": {**saved["OPTIONS"].get("pool", {}), "timeout": 1}}
    yield
    connection.close()
    connection.close_pool()
    database.update(saved)


def test_a_database_that_cannot_be_reached_answers_503_down(database_gone):
    response = Client().get(HEALTH)

    assert response.status_code == 503, response.content
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "status": "down",
        "database": "postgresql",
        "layer": "redis" if os.environ.get("REDIS_URL") else "memory",
        "version": pyproject_version(),
    }


def test_it_is_documented_public_with_both_answers(db):
    operation = Client().get("/api/v1/openapi.json").json()["paths"][HEALTH]["get"]

    assert operation.get("security") in (None, [])
    for status in ("200", "503"):
        schema = operation["responses"][status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/HealthOut"}
