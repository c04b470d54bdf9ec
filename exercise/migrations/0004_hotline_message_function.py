"""A hotline message in one round trip on PostgreSQL (exercise/hotline_statement.py).

The function writes only the common case, an open line between running teams, and
returns no row for anything else: the caller then takes the full path, which gives the
refusal or does what this function does not (expectation decisions, when it may not).
Each statement in it reads what committed before it began, so every check after a lock
sees the state that lock protects.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION parley_hotline_message(
    p_hotline bigint,
    p_team bigint,
    p_author text,
    p_text text,
    p_actor jsonb,
    p_sent_at timestamptz,
    p_may_decide boolean,
    p_receipt_actor text,
    p_client_id text,
    p_answer jsonb
) RETURNS TABLE (
    r_message bigint,
    r_seq bigint,
    r_at timestamptz,
    r_time double precision,
    r_data text,
    r_prevs text,
    r_open_checks boolean
) LANGUAGE plpgsql AS $$
DECLARE
    line record;
    counter record;
    event_id bigint;
    data jsonb;
BEGIN
    -- The hotline first, then the exercise: the order every hotline command locks in.
    SELECT h.id, h.exercise_id, h.status, h.caller_id, h.callee_id INTO line
      FROM exercise_hotline h WHERE h.id = p_hotline FOR NO KEY UPDATE;
    IF NOT FOUND OR line.status <> 'open' OR p_team NOT IN (line.caller_id, line.callee_id) THEN
        RETURN;
    END IF;
    IF EXISTS (
        SELECT 1 FROM exercise_hotlineoutage o
         WHERE o.exercise_id = line.exercise_id AND o.ended_at IS NULL
           AND (o.team_a_id, o.team_b_id) IN ((line.caller_id, line.callee_id), (line.callee_id, line.caller_id))
    ) THEN
        RETURN;
    END IF;
    SELECT e.status, e.last_seq, e.speed, e.clock_base, e.clock_anchor INTO counter
      FROM exercise_exercise e WHERE e.id = line.exercise_id FOR NO KEY UPDATE;
    IF counter.status <> 'running' OR counter.clock_anchor IS NULL THEN
        RETURN;
    END IF;
    -- Stamped when sent, but never before the event it follows: time runs with the seqs.
    SELECT greatest(p_sent_at, max(ev.at)) INTO r_at
      FROM exercise_event ev WHERE ev.exercise_id = line.exercise_id AND ev.seq = counter.last_seq;
    r_time := counter.clock_base
        + greatest(extract(epoch FROM r_at - counter.clock_anchor)::double precision, 0) * counter.speed;
    r_open_checks := EXISTS (
        SELECT 1 FROM exercise_expectationcheck c WHERE c.exercise_id = line.exercise_id AND c.status = 'open'
    );
    -- What this message would decide (a check it may meet, a deadline the clock passed)
    -- is left to the full path when the caller cannot take the decisions.
    IF r_open_checks AND NOT p_may_decide AND EXISTS (
        SELECT 1 FROM exercise_expectationcheck c
         WHERE c.exercise_id = line.exercise_id AND c.status = 'open'
           AND (c.event_kind = 'hotline.message' OR c.deadline < r_time)
    ) THEN
        RETURN;
    END IF;
    r_seq := counter.last_seq + 1;
    UPDATE exercise_exercise SET last_seq = r_seq WHERE id = line.exercise_id;
    INSERT INTO exercise_message (exercise_id, hotline_id, dialogue_id, team_id, author, text, sent_at)
    VALUES (line.exercise_id, line.id, NULL, p_team, p_author, p_text, p_sent_at)
    RETURNING id INTO r_message;
    SELECT jsonb_build_object(
        'hotline', line.id, 'from', a.key, 'to', b.key, 'status', line.status, 'text', p_text, 'message', r_message
    ) INTO data
      FROM exercise_team a, exercise_team b WHERE a.id = line.caller_id AND b.id = line.callee_id;
    INSERT INTO exercise_event (exercise_id, seq, at, exercise_time, kind, actor, audience, data)
    VALUES (line.exercise_id, r_seq, r_at, r_time, 'hotline.message', p_actor, 'teams', data)
    RETURNING id INTO event_id;
    INSERT INTO exercise_event_recipients (event_id, team_id)
    VALUES (event_id, line.caller_id), (event_id, line.callee_id);
    -- Each team's cursor before this event moved it: the envelope's prev for that team.
    SELECT jsonb_object_agg(t.id, t.last_visible_seq)::text INTO r_prevs
      FROM exercise_team t WHERE t.id IN (line.caller_id, line.callee_id);
    UPDATE exercise_team SET last_visible_seq = r_seq WHERE id IN (line.caller_id, line.callee_id);
    IF p_client_id IS NOT NULL THEN
        INSERT INTO exercise_commandreceipt (exercise_id, actor, client_id, kind, object_id, seq, answer)
        VALUES (line.exercise_id, p_receipt_actor, p_client_id, 'hotline.message', r_message, r_seq,
                p_answer || jsonb_build_object('id', r_message, 'seq', r_seq));
    END IF;
    r_data := data::text;
    RETURN NEXT;
END
$$;
"""

DROP = "DROP FUNCTION IF EXISTS parley_hotline_message(bigint, bigint, text, text, jsonb, timestamptz, boolean, text, text, jsonb)"


class Migration(migrations.Migration):
    dependencies = [("exercise", "0003_review")]

    operations = [migrations.RunSQL(CREATE, DROP)]
