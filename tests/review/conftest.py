"""Fixtures for the review tests: one played Karst Pass run per test module.

Playing the run takes a second or two, so each module plays it once, outside the
per-test transactions, and every test reads it inside its own transaction, which is
rolled back: what a test writes (findings, plan items, feedback) never reaches the next
test, while the run itself stays. This holds only while no test in these modules uses a
transactional database (its flush would wipe the run); the modules here use ``db`` only.
The run is deleted when the module ends.
"""

from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.test.utils import override_settings

from exercise.models import Exercise, Scenario
from gateway.sessions import SESSION_KEY
from tests import builders
from tests.review.played import Played, karst_pass, play, write_up

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def karst_run(django_db_setup, django_db_blocker) -> Iterator[Played]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        facilitator = builders.staff("facilitator")
        run = play(facilitator, karst_pass(facilitator.caller))
        write_up(run)
    yield run
    with django_db_blocker.unblock():
        Exercise.objects.filter(pk=run.exercise.pk).delete()
        Scenario.objects.filter(pk=run.exercise.scenario_id).delete()
        get_user_model().objects.filter(pk=run.facilitator.user.pk).delete()


def staff_client(member: builders.Staff) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def player_client(joined: builders.Joined) -> Client:
    """A browser session of a player who joined through /join/ (see gateway.sessions)."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = joined.player.pk
    session.save()
    return client
