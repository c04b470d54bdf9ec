"""The one writer of a hotline message (a database function) writes the message whole, in
the catalogue's shape, and nothing at all whenever the line refuses or, for the
event-loop caller, a decision is to be taken."""

from datetime import timedelta

import pytest
from django.db import connection, transaction

from exercise import exercises, expectations, hotline_statement, hotlines, injects
from exercise.envelopes import envelope, visible_after
from exercise.event_data import HotlineMessageData
from exercise.models import (
    CommandReceipt,
    Event,
    Exercise,
    Expectation,
    ExpectationCheck,
    HotlineOutage,
    Message,
    PendingDecision,
)
from tests import builders
from tests.exercise.test_injects import advance


@pytest.fixture
def line(facilitator, exercise):
    """A running exercise with a player in each team and ARC's call to BOR open."""
    exercises.change_status(caller=facilitator.caller, exercise_id=exercise.pk, transition="start")
    players = {team.key: builders.player(team, f"{team.key} duty officer") for team in exercise.teams.all()}
    call = hotlines.request_call(caller=players["ARC"].caller, exercise_id=exercise.pk, to="BOR").obj
    hotlines.answer_call(caller=players["BOR"].caller, hotline_id=call.pk, accept=True)
    return {"exercise": exercise, "hotline": call, "players": players, "facilitator": facilitator}


def statement(caller, hotline_id, text, *, may_decide=True, client_id=None, **call):
    """The function called as either caller calls it, through Django's connection."""
    call = hotline_statement.Call(caller, hotline_id, text, may_decide=may_decide, client_id=client_id, **call)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(hotline_statement.SQL, call.params)
        return call.sent(cursor.fetchone())


def written(exercise):
    """Everything a message can write, to compare before and after."""
    exercise.refresh_from_db()
    cursors = dict(exercise.teams.values_list("key", "last_visible_seq"))
    return exercise.last_seq, Event.objects.count(), Message.objects.count(), CommandReceipt.objects.count(), cursors


def test_a_message_is_written_whole_from_either_side(line):
    arc, bor = line["players"]["ARC"], line["players"]["BOR"]
    hotline_id = line["hotline"].pk
    orm = hotlines.send_message(caller=arc.caller, hotline_id=hotline_id, text="Shots at the post; we hold fire.")
    one = hotlines.send_message(caller=bor.caller, hotline_id=hotline_id, text="Ours too. Hold at the line.")
    assert one.seq == orm.seq + 1
    made = {m.pk: m for m in Message.objects.filter(pk__in=[orm.obj.pk, one.obj.pk])}
    for done, sender in ((orm, arc), (one, bor)):
        message = made[done.obj.pk]
        assert (message.hotline_id, message.team_id, message.author) == (
            hotline_id,
            sender.player.team_id,
            sender.player.name,
        )
        assert message.text == done.obj.text
    first, second = Event.objects.filter(exercise=line["exercise"], seq__in=[orm.seq, one.seq]).order_by("seq")
    for event, done, sender in ((first, orm, arc), (second, one, bor)):
        assert event.kind == "hotline.message" and event.audience == Event.Audience.TEAMS
        assert event.actor == {"team": sender.player.team.key, "player": sender.player.name}
        assert event.data == {
            "hotline": hotline_id,
            "from": "ARC",
            "to": "BOR",
            "status": "open",
            "text": done.obj.text,
            "message": done.obj.pk,
        }
        HotlineMessageData.model_validate(event.data)
        assert set(event.recipients.values_list("key", flat=True)) == {"ARC", "BOR"}
    assert first.at <= second.at and first.exercise_time <= second.exercise_time
    teams = {team.key: team for team in line["exercise"].teams.all()}
    assert (teams["ARC"].last_visible_seq, teams["BOR"].last_visible_seq) == (one.seq, one.seq)
    assert teams["CAL"].last_visible_seq < orm.seq
    # Read back from the log, both envelopes chain for each team that sees them.
    for key in ("ARC", "BOR"):
        seen = list(visible_after(line["exercise"], teams[key], orm.seq - 1))
        assert [(e["seq"], e["prev"]) for e in seen] == [(orm.seq, seen[0]["prev"]), (one.seq, orm.seq)]
    assert not list(visible_after(line["exercise"], teams["CAL"], orm.seq - 1))


def test_the_envelope_sent_live_is_the_envelope_read_from_the_log(line):
    arc = line["players"]["ARC"]
    sent = statement(arc.caller, line["hotline"].pk, "Requesting a pause in patrols near the pass.")
    arc_team = arc.player.team
    logged = next(iter(visible_after(line["exercise"], arc_team, sent.event.seq - 1)))
    live = envelope(sent.event, sent.stored.prevs[arc_team.pk])
    assert live == logged


@pytest.mark.parametrize(
    "change",
    ["closed", "declined_other", "outsider", "cut", "paused", "unknown"],
)
def test_it_writes_nothing_where_the_full_path_refuses(line, change):
    players, facilitator = line["players"], line["facilitator"]
    hotline_id, sender = line["hotline"].pk, players["ARC"]
    if change == "closed":
        hotlines.close_call(caller=players["BOR"].caller, hotline_id=hotline_id)
    elif change == "declined_other":
        other = hotlines.request_call(caller=players["CAL"].caller, exercise_id=line["exercise"].pk, to="ARC").obj
        hotlines.answer_call(caller=sender.caller, hotline_id=other.pk, accept=False)
        hotline_id = other.pk
    elif change == "outsider":
        sender = players["CAL"]
    elif change == "cut":
        hotlines.cut(caller=facilitator.caller, exercise_id=line["exercise"].pk, teams=["BOR", "ARC"])
    elif change == "paused":
        exercises.change_status(caller=facilitator.caller, exercise_id=line["exercise"].pk, transition="pause")
    else:
        hotline_id += 1000
    before = written(line["exercise"])
    assert statement(sender.caller, hotline_id, "Do you read?") is None
    assert written(line["exercise"]) == before


def test_a_restored_line_carries_messages_again(line):
    facilitator = line["facilitator"]
    hotlines.cut(caller=facilitator.caller, exercise_id=line["exercise"].pk, teams=["ARC", "BOR"])
    hotlines.restore(caller=facilitator.caller, outage_id=HotlineOutage.objects.get().pk)
    assert statement(line["players"]["ARC"].caller, line["hotline"].pk, "Line restored; do you read?") is not None


def release_with_expectation(line, event_kind):
    """I1 goes out with ARC and BOR expected to do ``event_kind`` within 15 minutes."""
    Expectation.objects.filter(key="E1").update(event=event_kind)
    injects.release_now(caller=line["facilitator"].caller, exercise_id=line["exercise"].pk, key="I1")
    assert ExpectationCheck.objects.filter(status="open", event_kind=event_kind).count() == 2


def test_open_checks_of_other_kinds_leave_nothing_pending(line):
    release_with_expectation(line, "hotline.requested")
    sent = statement(line["players"]["ARC"].caller, line["hotline"].pk, "Shots at the pass.", may_decide=False)
    assert sent is not None and not sent.stored.open_checks
    assert not PendingDecision.objects.exists()


def test_a_message_that_may_meet_a_check_is_written_pending_its_decision(line):
    release_with_expectation(line, "hotline.message")
    arc = line["players"]["ARC"]
    before = written(line["exercise"])
    sent = statement(arc.caller, line["hotline"].pk, "We propose talks.", may_decide=False)
    assert sent is not None and sent.stored.open_checks
    assert written(line["exercise"]) != before
    assert list(PendingDecision.objects.values_list("event__seq", flat=True)) == [sent.event.seq]
    assert ExpectationCheck.objects.get(team__key="ARC").status == "open"
    # The engine takes it next: the message meets ARC's check.
    expectations.decide_pending(line["exercise"].pk)
    assert ExpectationCheck.objects.get(team__key="ARC").status == "met"
    assert not PendingDecision.objects.exists()


def test_a_message_after_a_passed_deadline_is_written_pending_the_missed_decision(line):
    release_with_expectation(line, "hotline.requested")
    advance(line["exercise"], 20 * 60)
    arc = line["players"]["ARC"]
    sent = statement(arc.caller, line["hotline"].pk, "Late news.", may_decide=False)
    assert sent is not None and sent.stored.open_checks
    expectations.decide_pending(line["exercise"].pk)
    assert set(ExpectationCheck.objects.values_list("status", flat=True)) == {"missed"}


def test_a_later_event_takes_the_pending_decisions_before_its_own(line):
    """A message pending its decision, then another act by the same team: the message
    decided first, so the check is met by the message's seq, not the later one's."""
    release_with_expectation(line, "hotline.message")
    arc = line["players"]["ARC"]
    pending = statement(arc.caller, line["hotline"].pk, "First.", may_decide=False)
    hotlines.send_message(caller=arc.caller, hotline_id=line["hotline"].pk, text="Second.")
    met = Event.objects.get(exercise=line["exercise"], kind="expectation.met", data__team="ARC")
    assert met.data["decided_by"] == pending.event.seq
    assert not PendingDecision.objects.exists()


def test_time_never_runs_back_along_the_seqs(line):
    arc = line["players"]["ARC"]
    last = Event.objects.filter(exercise=line["exercise"]).order_by("-seq").first()
    early = last.at - timedelta(seconds=30)  # sent before the last event was stamped
    sent = statement(arc.caller, line["hotline"].pk, "Early.", sent_at=early)
    assert sent.event.at == last.at
    assert sent.event.exercise_time >= last.exercise_time
    assert Event.objects.get(exercise=line["exercise"], seq=sent.event.seq).at == last.at


def test_a_client_id_stores_the_answer_and_a_repeat_writes_nothing(line):
    arc = line["players"]["ARC"]
    sent = statement(arc.caller, line["hotline"].pk, "Confirm receipt.", may_decide=False, client_id="m-1")
    receipt = CommandReceipt.objects.get(client_id="m-1")
    assert receipt.answer == sent.answer
    assert sent.answer == {
        "id": sent.message.pk,
        "hotline": line["hotline"].pk,
        "dialogue": None,
        "from": "ARC",
        "author": "ARC duty officer",
        "text": "Confirm receipt.",
        "seq": sent.event.seq,
    }
    assert (receipt.actor, receipt.kind, receipt.object_id) == (
        f"player:{arc.player.pk}",
        "hotline.message",
        sent.message.pk,
    )
    before = written(line["exercise"])
    with pytest.raises(Exception, match="unique_client_id_per_actor"):
        statement(arc.caller, line["hotline"].pk, "Confirm receipt.", may_decide=False, client_id="m-1")
    assert written(Exercise.objects.get(pk=line["exercise"].pk)) == before
