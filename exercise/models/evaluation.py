"""Evaluation: expectations decided from the log, and evaluators' HSEEP ratings."""

from django.conf import settings
from django.db import models

from exercise.models.runs import Exercise, Team
from exercise.models.scenarios import Expectation, Objective


class PendingDecision(models.Model):
    """A team's event whose expectation decisions are still to be taken: the hotline
    message written on the event loop, which answers at once and leaves the decisions
    to the engine (expectations.decide_pending). Every decision drains these first, in
    seq order, so a decision never overtakes the event that should have taken it."""

    event = models.OneToOneField("exercise.Event", primary_key=True, on_delete=models.CASCADE, related_name="+")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"decisions pending for event {self.event_id}"


class ExpectationCheck(models.Model):
    """One decision to take: an expectation for one team (``each``) or a group (``any``).

    Opened when the inject is released; decided by a matching event before the deadline,
    or missed when the deadline passes first. A restraint's check (``expectation.restraint``)
    waits for the event it forbids: that event misses it, the deadline passing meets it.
    """

    class Status(models.TextChoices):
        OPEN = "open"
        MET = "met"
        MISSED = "missed"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="expectation_checks")
    expectation = models.ForeignKey(Expectation, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    teams = models.JSONField(help_text="Keys of the teams whose events can meet it.")
    event_kind = models.CharField(max_length=40, help_text="the kind that decides it: expected, or forbidden")
    opens_at = models.FloatField()
    deadline = models.FloatField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    decided_by = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="seq of the event that decided it: met it, or broke a restraint"
    )
    acted_by = models.CharField(
        max_length=16, blank=True, help_text="key of the team whose act decided it; blank when a deadline did"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["exercise", "status", "event_kind"], name="open_check_idx")]

    def __str__(self) -> str:
        return f"{self.expectation_id} for {self.team_id or 'group'}: {self.status}"


class Rating(models.Model):
    """An evaluator's HSEEP rating of a team against an objective; the latest counts."""

    class Value(models.TextChoices):
        P = "P", "Performed without challenges"
        S = "S", "Performed with some challenges"
        M = "M", "Performed with major challenges"
        U = "U", "Unable to be performed"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="ratings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.CharField(max_length=1, choices=Value.choices)
    note = models.TextField(blank=True)
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.rating} for {self.team_id} on {self.objective_id}"
