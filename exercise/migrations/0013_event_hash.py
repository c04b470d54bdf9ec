"""The event log becomes a hash chain (exercise/chain.py, docs/archives.md).

A BEFORE INSERT trigger sets every event's hash, so both writers of events chain alike:
events.append() and the hotline fast path (parley_hotline_message). Each reads the previous
event's hash under the exercise row's lock, which both take before they insert (the seq
counter), so the previous event is committed, or in the same transaction, when it is read.
Existing events are chained here, in seq order.
"""

from django.db import migrations, models

# The canonical text of an event is PostgreSQL's normalised text of a jsonb object (keys
# ordered by length, then bytes; one space after ':' and ','). Time is written in UTC to
# the microsecond whatever the session's TimeZone, and exercise time as numeric, whose
# text (15 significant digits) does not depend on extra_float_digits.
EVENT_HASH = r"""
CREATE OR REPLACE FUNCTION parley_event_canonical(
    p_seq bigint, p_at timestamptz, p_exercise_time double precision,
    p_kind text, p_actor jsonb, p_audience text, p_data jsonb
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object(
        'seq', p_seq,
        'at', to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'exercise_time', p_exercise_time::numeric,
        'kind', p_kind,
        'actor', p_actor,
        'audience', p_audience,
        'data', p_data
    )::text
$$;

CREATE OR REPLACE FUNCTION parley_event_hash(
    p_prev text, p_seq bigint, p_at timestamptz, p_exercise_time double precision,
    p_kind text, p_actor jsonb, p_audience text, p_data jsonb
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to(
        coalesce(p_prev, '') || parley_event_canonical(p_seq, p_at, p_exercise_time, p_kind, p_actor, p_audience, p_data),
        'UTF8'
    )), 'hex')
$$;

-- A row that comes with its hash keeps it: a data-only restore (COPY) loads the stored
-- hashes, in whatever order, and verify() judges them. Writers of events give none.
CREATE OR REPLACE FUNCTION parley_chain_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.hash IS NOT NULL AND NEW.hash <> '' THEN
        RETURN NEW;
    END IF;
    NEW.hash := parley_event_hash(
        (SELECT e.hash FROM exercise_event e WHERE e.exercise_id = NEW.exercise_id AND e.seq = NEW.seq - 1),
        NEW.seq, NEW.at, NEW.exercise_time, NEW.kind, NEW.actor, NEW.audience, NEW.data
    );
    RETURN NEW;
END
$$;

CREATE TRIGGER parley_event_chain BEFORE INSERT ON exercise_event
    FOR EACH ROW EXECUTE FUNCTION parley_chain_event();
"""

DROP_EVENT_HASH = """
DROP TRIGGER IF EXISTS parley_event_chain ON exercise_event;
DROP FUNCTION IF EXISTS parley_chain_event();
DROP FUNCTION IF EXISTS parley_event_hash(text, bigint, timestamptz, double precision, text, jsonb, text, jsonb);
DROP FUNCTION IF EXISTS parley_event_canonical(bigint, timestamptz, double precision, text, jsonb, text, jsonb);
"""

# Each exercise's events in seq order, every hash from the one just written.
BACKFILL = """
DO $$
DECLARE
    event record;
    previous text;
    current_exercise bigint;
BEGIN
    FOR event IN SELECT * FROM exercise_event ORDER BY exercise_id, seq LOOP
        IF current_exercise IS DISTINCT FROM event.exercise_id THEN
            current_exercise := event.exercise_id;
            previous := NULL;
        END IF;
        previous := parley_event_hash(
            previous, event.seq, event.at, event.exercise_time, event.kind, event.actor, event.audience, event.data
        );
        UPDATE exercise_event SET hash = previous WHERE id = event.id;
    END LOOP;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("exercise", "0012_statement_amendments")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunSQL(EVENT_HASH, DROP_EVENT_HASH),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
