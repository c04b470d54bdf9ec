"""The control cell in one exercise: its threads with the teams, and the news wire.

Both are also events in the log (cell.message, media.published); these rows hold what
the log cannot: the scripted items still waiting for their time or trigger, the keys
taken, and each message's answer to a command repeated with its client_id.
"""

from django.db import models

from exercise.models.runs import Exercise, Team
from exercise.models.scenarios import MediaItem


class CellMessage(models.Model):
    """One message of a team's thread with the control cell: the cell writing as a persona
    to one or more teams, or a team writing to the cell (to one persona, or to none)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="cell_messages")
    persona = models.CharField(max_length=32, blank=True)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The writing team; none for the cell.",
    )
    to = models.JSONField(default=list, help_text="The keys of the teams whose threads it is in.")
    author = models.CharField(max_length=150)
    text = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"cell message {self.pk} by {self.author}"


class ExerciseMedia(models.Model):
    """A news-wire item of one exercise: a scripted one, pending until the engine publishes
    it, or one published on the spot by the cell or by a team's public statement."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PUBLISHED = "published"

    class Source(models.TextChoices):
        SCENARIO = "scenario"
        CELL = "cell"
        TEAM = "team"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="media")
    item = models.ForeignKey(MediaItem, null=True, blank=True, on_delete=models.PROTECT)
    key = models.CharField(max_length=32)
    source = models.CharField(max_length=8, choices=Source.choices)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    # Exercise seconds at which a scripted item is due; null until its trigger fires.
    due_at = models.FloatField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # What was published: the persona's key (a team's, for its statement), and the words.
    persona = models.CharField(max_length=32, blank=True)
    headline = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    to = models.JSONField(default=list, blank=True, help_text="The keys of the teams it reached.")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["exercise", "key"], name="unique_exercise_media_key")]
        indexes = [models.Index(fields=["status", "due_at"], name="media_due_idx")]

    def __str__(self) -> str:
        return f"{self.exercise_id}:{self.key} {self.status}"
