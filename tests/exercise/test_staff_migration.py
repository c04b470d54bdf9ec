"""Upgrading to staff per exercise: every existing exercise is assigned to every active
staff account in its role, so nobody loses access to an exercise they could open."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from exercise.models import StaffAssignment
from tests import builders

pytestmark = pytest.mark.django_db(transaction=True)


def migration_and_parent() -> tuple[tuple[str, str], list[tuple[str, str]]]:
    graph = MigrationExecutor(connection).loader.graph
    [node] = [n for n in graph.nodes if n[0] == "exercise" and n[1].endswith("_exercise_staff")]
    return node, [p for p in graph.node_map[node].parents if p[0] == "exercise"]


def test_the_migration_assigns_existing_exercises_to_the_staff_who_could_see_them(scenario, facilitator):
    evaluator = builders.staff("evaluator")
    observer = builders.staff("observer")
    gone = builders.staff("facilitator")
    get_user_model().objects.filter(pk=gone.user.pk).update(is_active=False)
    admin = get_user_model().objects.create_superuser(username="root", password="x")
    get_user_model().objects.create_user(username="no-role", password="x")
    first = builders.exercise(facilitator.caller, scenario)
    second = builders.exercise(facilitator.caller, scenario)

    node, parents = migration_and_parent()
    executor = MigrationExecutor(connection)
    executor.migrate(parents)  # before staff per exercise: the assignments' table is gone
    executor = MigrationExecutor(connection)
    # Up to the newest state, not the migration alone: later tests need the whole schema.
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert node in MigrationExecutor(connection).loader.applied_migrations

    expected = {
        (facilitator.user.username, "facilitator"),
        (evaluator.user.username, "evaluator"),
        (observer.user.username, "observer"),
        (admin.username, "facilitator"),
    }
    for exercise in (first, second):
        rows = StaffAssignment.objects.filter(exercise=exercise).values_list("user__username", "role")
        assert set(rows) == expected
    assert Group.objects.filter(name="facilitator").exists()
