"""An exercise: one run of a scenario, with its teams, players and inject schedule."""

from django.conf import settings
from django.db import models

from exercise.models.scenarios import Inject, Scenario, ScenarioTeam


class Exercise(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft"
        RUNNING = "running"
        PAUSED = "paused"
        ENDED = "ended"

    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="exercises")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    speed = models.FloatField(default=1.0, help_text="Exercise minutes per wall minute.")
    # The clock is two numbers: exercise time at the last anchor, and the wall time of
    # that anchor while running. Start, pause, resume and speed changes re-anchor, so
    # exercise time is always base + (now - anchor) * speed, or base when not running.
    clock_base = models.FloatField(default=0.0)
    clock_anchor = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The last seq handed out; bumped under a row lock so seq is gap-free per exercise.
    last_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="teams")
    source = models.ForeignKey(ScenarioTeam, null=True, blank=True, on_delete=models.SET_NULL)
    key = models.CharField(max_length=16)
    name = models.CharField(max_length=120)
    order = models.PositiveIntegerField()
    join_code = models.CharField(max_length=32, unique=True)
    # The seq of the last event this team may see: the next such event's `prev`.
    last_visible_seq = models.PositiveBigIntegerField(default=0)
    # The team's current rung on the escalation ladder, moved by its actions.
    escalation = models.IntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["exercise", "key"], name="unique_team_key")]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class Player(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="players")
    name = models.CharField(max_length=80)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.team.key})"


class ExerciseInject(models.Model):
    """An inject's state in one exercise: when it is due, and whether it went out."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RELEASED = "released"
        SKIPPED = "skipped"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="injects")
    inject = models.ForeignKey(Inject, null=True, blank=True, on_delete=models.PROTECT)
    key = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # Exercise seconds at which it is due; null until a trigger fires.
    due_at = models.FloatField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    skip_reason = models.TextField(blank=True)
    # A facilitator's edits before release. A null body means the scenario's own text;
    # an empty one is an edit that removed it.
    body_override = models.TextField(null=True, blank=True)  # noqa: DJ001
    severity_override = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["exercise", "key"], name="unique_exercise_inject_key")]
        indexes = [models.Index(fields=["status", "due_at"], name="inject_due_idx")]

    def __str__(self) -> str:
        return f"{self.exercise_id}:{self.key} {self.status}"
