"""After-action review: what staff write about an exercise once it has been played.

The analysis itself is computed from the log; these rows are the human part of the
report: findings per objective, hotwash notes, the improvement plan and the players'
feedback.
"""

import uuid

from django.conf import settings
from django.db import models

from exercise.models.runs import Exercise, Player, Team
from exercise.models.scenarios import Objective


class ObjectiveFinding(models.Model):
    """The facilitator's strengths and areas for improvement for one objective.

    Until someone saves one, the review shows a draft written from the log.
    """

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="findings")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="+")
    strengths = models.TextField(blank=True)
    areas = models.TextField(blank=True, help_text="Areas for improvement.")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exercise", "objective"], name="unique_finding_objective")]

    def __str__(self) -> str:
        return f"{self.exercise_id}: findings on {self.objective_id}"


class HotwashNote(models.Model):
    """A point raised in the hotwash, the discussion right after the exercise."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="hotwash_notes")
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ImprovementItem(models.Model):
    """One row of the improvement plan, as HSEEP's AAR/IP lays it out."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="improvements")
    area = models.TextField(help_text="The area for improvement.")
    action = models.TextField(help_text="The corrective action.")
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.CharField(max_length=200, help_text="The responsible organisation.")
    owner = models.CharField(max_length=200)
    start = models.DateField(null=True, blank=True)
    due = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.action[:60]


class ParticipantFeedback(models.Model):
    """A player's answers to the short feedback form; anonymous answers keep no name or team.

    A random key and only the date, so that nothing orders an answer against the receipts
    and so names the author of an anonymous one.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="feedback")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=80, blank=True)
    realism = models.PositiveSmallIntegerField(help_text="1 (not at all) to 5 (very) realistic.")
    usefulness = models.PositiveSmallIntegerField(help_text="1 (not at all) to 5 (very) useful.")
    went_well = models.TextField(blank=True)
    to_improve = models.TextField(blank=True)
    created_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["created_on", "id"]

    def __str__(self) -> str:
        return f"feedback on {self.exercise_id}"


class FeedbackReceipt(models.Model):
    """That a player has answered, kept apart from the answer so anonymous stays anonymous."""

    player = models.OneToOneField(Player, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"player {self.player_id} answered"


class ReviewPdf(models.Model):
    """The review as last printed, one per exercise, served again while what it was printed
    from is unchanged: the log up to ``last_seq`` (notes and ratings are events) and the
    parts written outside the log, by their digest (``written``). A newer log or a changed
    finding, hotwash note, plan item, feedback or audit entry makes it stale; the next
    print replaces it. Kept in the database, so it outlives restarts and goes with its exercise."""

    exercise = models.OneToOneField(Exercise, on_delete=models.CASCADE, primary_key=True, related_name="review_pdf")
    last_seq = models.PositiveIntegerField()
    written = models.CharField(max_length=64, help_text="SHA-256 of what the review holds besides the log.")
    pdf = models.BinaryField()
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"review PDF of {self.exercise_id} at seq {self.last_seq}"
