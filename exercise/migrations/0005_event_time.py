"""The time rule of the log in one place: an event is never stamped before the event it
follows. `parley_event_time` is used by every writer (events.append and the hotline
message function), so the rule cannot drift between them.

It is VOLATILE PL/pgSQL (never inlined), so its query takes a fresh snapshot: called right after the exercise row
was locked, it sees the previous event its holder committed, which the locking statement's
own snapshot may not.
"""

from importlib import import_module

from django.db import migrations

EVENT_TIME = r"""
CREATE OR REPLACE FUNCTION parley_event_time(p_exercise bigint, p_seq bigint, p_at timestamptz)
RETURNS timestamptz LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN (SELECT greatest(p_at, max(ev.at)) FROM exercise_event ev
             WHERE ev.exercise_id = p_exercise AND ev.seq = p_seq - 1);
END
$$;
"""

# The message function of migration 0004, its own time rule replaced by the shared one.
HOTLINE_MESSAGE_0004 = import_module("exercise.migrations.0004_hotline_message_function").CREATE
OWN_TIME_RULE = """    -- Stamped when sent, but never before the event it follows: time runs with the seqs.
    SELECT greatest(p_sent_at, max(ev.at)) INTO r_at
      FROM exercise_event ev WHERE ev.exercise_id = line.exercise_id AND ev.seq = counter.last_seq;
"""
SHARED_TIME_RULE = """    r_at := parley_event_time(line.exercise_id, counter.last_seq + 1, p_sent_at);
"""
assert OWN_TIME_RULE in HOTLINE_MESSAGE_0004
HOTLINE_MESSAGE = HOTLINE_MESSAGE_0004.replace(OWN_TIME_RULE, SHARED_TIME_RULE)


class Migration(migrations.Migration):
    dependencies = [("exercise", "0004_hotline_message_function")]

    operations = [
        migrations.RunSQL(EVENT_TIME, "DROP FUNCTION IF EXISTS parley_event_time(bigint, bigint, timestamptz)"),
        migrations.RunSQL(HOTLINE_MESSAGE, HOTLINE_MESSAGE_0004),
    ]
