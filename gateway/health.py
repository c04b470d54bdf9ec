"""GET /api/v1/health: whether this server can serve, and what it is, for load balancers
and for people checking what answers."""

import functools
import logging
import tomllib
from importlib import metadata
from typing import Literal

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

logger = logging.getLogger(__name__)

router = Router(tags=["operations"])


class HealthOut(Schema):
    status: Literal["ok", "down"] = Field(description="down when the database cannot be reached (then 503)")
    database: str = Field(description="the database engine's vendor, e.g. postgresql")
    layer: Literal["redis", "memory"] = Field(description="where the live events go between processes")
    version: str = Field(description="Parley's version")


@router.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: HealthOut},
    summary="Whether this server can serve: 503 when its database cannot be reached",
)
def health(request: HttpRequest) -> Status[dict[str, str]] | dict[str, str]:
    serving = {"database": connection.vendor, "layer": channel_layer(), "version": version()}
    if not database_answers():
        return Status(503, serving | {"status": "down"})
    return serving | {"status": "ok"}


def database_answers() -> bool:
    """Whether the default database runs a query. With a pool, a database that went away
    is reported once the pool's timeout (DB_POOL_TIMEOUT) has passed."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("health: the database cannot be reached", exc_info=True)
        return False
    return True


def channel_layer() -> Literal["redis", "memory"]:
    backend = str(settings.CHANNEL_LAYERS["default"]["BACKEND"])
    return "redis" if backend.startswith("channels_redis.") else "memory"


@functools.cache
def version() -> str:
    """pyproject.toml's version beside the code that serves; an installed copy without
    its source tree has only the package's metadata."""
    try:
        with (settings.BASE_DIR / "pyproject.toml").open("rb") as file:
            return tomllib.load(file)["project"]["version"]
    except FileNotFoundError:
        return metadata.version("parley")
