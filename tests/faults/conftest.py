"""The fault suite runs the production shape against a Redis of its own, which it may stop."""

import pytest

from tests.processes import RedisServer


@pytest.fixture
def broker_url(own_redis: RedisServer) -> str:
    return own_redis.url()
