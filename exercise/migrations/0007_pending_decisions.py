"""The hotline message written on the event loop no longer leaves a message that may
take an expectation decision to Django's path (whose slower, different answer told a
player that some team had an open expectation): it writes the message as always and
records the event as pending a decision, which the engine takes next (PendingDecision)."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

HOTLINE_MESSAGE_0005 = import_module("exercise.migrations.0005_event_time").HOTLINE_MESSAGE
HANDED_TO_DJANGO = """    -- What this message would decide (a check it may meet, a deadline the clock passed)
    -- is left to the full path when the caller cannot take the decisions.
    IF r_open_checks AND NOT p_may_decide AND EXISTS (
        SELECT 1 FROM exercise_expectationcheck c
         WHERE c.exercise_id = line.exercise_id AND c.status = 'open'
           AND (c.event_kind = 'hotline.message' OR c.deadline < r_time)
    ) THEN
        RETURN;
    END IF;
"""
DEFERRED = """    -- What this message would decide (a check it may meet, a deadline the clock passed)
    -- is left to the engine, right after, when the caller cannot take the decisions here.
    defer := r_open_checks AND NOT p_may_decide AND EXISTS (
        SELECT 1 FROM exercise_expectationcheck c
         WHERE c.exercise_id = line.exercise_id AND c.status = 'open'
           AND (c.event_kind = 'hotline.message' OR c.deadline < r_time)
    );
"""
EVENT_WRITTEN = """    RETURNING id INTO event_id;
"""
EVENT_WRITTEN_AND_PENDING = """    RETURNING id INTO event_id;
    IF defer THEN
        INSERT INTO exercise_pendingdecision (event_id, exercise_id) VALUES (event_id, line.exercise_id);
    END IF;
    -- A caller that cannot decide learns instead whether the decisions are pending.
    IF NOT p_may_decide THEN
        r_open_checks := defer;
    END IF;
"""
DECLARED = """    data jsonb;
BEGIN
"""
DECLARED_WITH_DEFER = """    data jsonb;
    defer boolean;
BEGIN
"""
for old in (HANDED_TO_DJANGO, EVENT_WRITTEN, DECLARED):
    assert HOTLINE_MESSAGE_0005.count(old) == 1, old
HOTLINE_MESSAGE = (
    HOTLINE_MESSAGE_0005.replace(HANDED_TO_DJANGO, DEFERRED)
    .replace(EVENT_WRITTEN, EVENT_WRITTEN_AND_PENDING)
    .replace(DECLARED, DECLARED_WITH_DEFER)
)


class Migration(migrations.Migration):
    dependencies = [("exercise", "0006_token_expiry")]

    operations = [
        migrations.CreateModel(
            name="PendingDecision",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="exercise.event",
                    ),
                ),
                (
                    "exercise",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="exercise.exercise"
                    ),
                ),
            ],
        ),
        migrations.RunSQL(HOTLINE_MESSAGE, HOTLINE_MESSAGE_0005),
    ]
