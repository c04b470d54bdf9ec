"""The event log: the exercise's source of truth."""

from django.db import models

from exercise.models.runs import Exercise, Team


class Event(models.Model):
    class Audience(models.TextChoices):
        EVERYONE = "everyone"
        TEAMS = "teams"
        STAFF = "staff"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    exercise_time = models.FloatField()
    kind = models.CharField(max_length=40)
    actor = models.JSONField(default=dict, help_text='{"team", "player"} or {"user"} or {"system": true}')
    audience = models.CharField(max_length=8, choices=Audience.choices)
    # Teams that see an event with audience "teams"; staff see every event.
    recipients = models.ManyToManyField(Team, blank=True, related_name="+")
    data = models.JSONField(default=dict)
    # SHA-256 (hex) of the previous event's hash and this event's canonical text, set by
    # PostgreSQL as the row is inserted, whoever inserts it (exercise/chain.py).
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    # Not stored: set by events.append, whether the exercise had undecided expectations
    # then, so the expectation engine skips the event at no cost when it had none.
    open_checks: bool = True

    class Meta:
        ordering = ["exercise", "seq"]
        constraints = [models.UniqueConstraint(fields=["exercise", "seq"], name="unique_event_seq")]

    def __str__(self) -> str:
        return f"{self.exercise_id}#{self.seq} {self.kind}"
