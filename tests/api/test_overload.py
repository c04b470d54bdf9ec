"""An overloaded database: when no connection comes free within the pool's timeout, the
API answers 503 with Retry-After and the command did nothing; so it does when the
connection is lost (tests/faults has the real outages), while an error in the query
itself is still a 500 in the contract's shape."""

import threading

import pytest
from django.db import DataError, OperationalError, connection, connections, transaction
from psycopg_pool import PoolTimeout

from exercise import actions
from exercise.models import Action, Event, Team
from tests.api.test_exercises_api import assert_error

API = "/api/v1"
# Long enough for a connection to be asked for, short enough for a fast test.
POOL_TIMEOUT = 0.3


def act(api, running_arc, kind: str = "raise_alert"):
    path = f"{API}/exercises/{running_arc['exercise'].pk}/actions"
    return api.post(path, {"kind": kind}, token=running_arc["player"].token)


def assert_busy(response) -> None:
    error = assert_error(response, 503)
    assert error["code"] == "unavailable"
    assert response["Retry-After"] == "1"


def escalation(team: Team) -> int:
    return Team.objects.get(pk=team.pk).escalation


@pytest.fixture
def one_connection(db):
    """The default database behind a pool of one connection that is given up on after
    POOL_TIMEOUT; the settings' pool again afterwards."""
    options = connection.settings_dict["OPTIONS"]
    configured = options["pool"]

    def replace_pool(pool: dict) -> None:
        connection.close()  # gives this thread's connection back to the old pool
        connection.close_pool()
        options["pool"] = pool

    replace_pool({"min_size": 1, "max_size": 1, "timeout": POOL_TIMEOUT})
    yield
    replace_pool(configured)


class Holder(threading.Thread):
    """Takes the pool's only connection and keeps it, in a transaction, until released."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.holding = threading.Event()
        self.release = threading.Event()

    def run(self) -> None:
        try:
            with transaction.atomic():
                Team.objects.exists()
                self.holding.set()
                self.release.wait(5)
        finally:
            connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_no_free_connection_answers_503_with_retry_after_and_does_nothing(api, running_arc, one_connection):
    assert act(api, running_arc).json()["escalation"] == 1  # the token is now known to this process
    before = (Event.objects.count(), Action.objects.count())
    connection.close()  # the pool's one connection goes back, for the holder to take
    holder = Holder()
    holder.start()
    try:
        assert holder.holding.wait(5)
        response = act(api, running_arc)
    finally:
        holder.release.set()
        holder.join(5)

    assert_busy(response)
    assert (Event.objects.count(), Action.objects.count()) == before
    assert escalation(running_arc["arc"]) == 1
    assert act(api, running_arc).json()["escalation"] == 2  # sent again once a connection is free


@pytest.mark.django_db(transaction=True)
def test_no_free_connection_for_the_token_lookup_also_answers_503(api, running_arc, one_connection):
    connection.close()
    holder = Holder()
    holder.start()
    try:
        assert holder.holding.wait(5)
        response = act(api, running_arc)  # a token this process has not seen: it must be looked up
    finally:
        holder.release.set()
        holder.join(5)

    assert_busy(response)
    assert not Action.objects.exists()


def raising(cause: Exception):
    """A service that meets ``cause`` from the database driver, reported as Django's
    wrapper reports it (an OperationalError raised from the driver's error)."""

    def service(**_kwargs):
        raise OperationalError(*cause.args) from cause

    return service


@pytest.mark.django_db
def test_a_pool_timeout_from_a_service_answers_503(api, running_arc, monkeypatch):
    """The same mapping on any database: the error Django raises when the pool times out."""
    monkeypatch.setattr(actions, "take", raising(PoolTimeout("couldn't get a connection after 20.00 sec")))
    assert_busy(act(api, running_arc))
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_a_lost_connection_answers_503_with_a_longer_retry_after(api, running_arc, monkeypatch):
    lost = connection.Database.OperationalError("server closed the connection unexpectedly")
    monkeypatch.setattr(actions, "take", raising(lost))
    response = act(api, running_arc)
    error = assert_error(response, 503)
    assert error["code"] == "unavailable"
    assert response["Retry-After"] == "5"


@pytest.mark.django_db
def test_an_error_in_the_query_is_still_a_500(api, running_arc, monkeypatch):
    def service(**_kwargs):
        raise DataError("value too long for type character varying(40)")

    monkeypatch.setattr(actions, "take", service)
    response = act(api, running_arc)
    error = assert_error(response, 500)
    assert error["code"] == "server_error"
    assert "Retry-After" not in response
