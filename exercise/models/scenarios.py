"""A scenario: the scripted crisis that exercises are run from."""

from django.conf import settings
from django.db import models

INJECT_KINDS = (
    "border_tension",
    "terror_incident",
    "maritime",
    "cyber",
    "humanitarian",
    "media",
    "intelligence",
    "other",
)
SEVERITIES = ("low", "medium", "high", "critical")
# A marking is one line on a banner and in a PDF page's margin: long enough for
# "EXERCISE EXERCISE EXERCISE - UNCLASSIFIED//FOR OFFICIAL USE ONLY" and its kin.
CLASSIFICATION_LIMIT = 120


class Scenario(models.Model):
    key = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    # Short lower-case words that sort the library (exercise/scenario_document.py checks them).
    tags = models.JSONField(default=list, blank=True)
    # The marking shown on every page and printed page of its exercises; blank for none.
    classification = models.CharField(max_length=CLASSIFICATION_LIMIT, blank=True)
    read_ahead = models.TextField(blank=True, help_text="Markdown: the road to the crisis, shown to every team.")
    duration = models.FloatField(help_text="Planned length in exercise seconds.")
    scoring = models.JSONField(default=dict, blank=True)
    # SVG of the scenario's fictional geography, checked inert on import (exercise/scenario_map.py).
    map = models.TextField(blank=True, help_text="SVG drawing of the scenario's geography, shown to every team.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ScenarioTeam(models.Model):
    """A state played in the scenario; each exercise copies these into its teams."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="teams")
    key = models.CharField(max_length=16)
    name = models.CharField(max_length=120)
    order = models.PositiveIntegerField()
    # The national brief's summary, interests and red lines; its objectives are Objective
    # rows of this team. Empty when the scenario gives the team no brief.
    brief = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["scenario", "key"], name="unique_scenario_team_key")]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class Objective(models.Model):
    """An objective of the exercise, or a national one of a team's brief (``team`` set)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="objectives")
    team = models.ForeignKey(
        ScenarioTeam, null=True, blank=True, on_delete=models.CASCADE, related_name="national_objectives"
    )
    key = models.CharField(max_length=32)
    text = models.TextField()
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["scenario", "key"], name="unique_objective_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"


class Scheduled(models.Model):
    """What the engine releases: due at an offset of exercise time or on a trigger."""

    class Trigger(models.TextChoices):
        AFTER = "after"
        MET = "met"
        MISSED = "missed"

    at = models.FloatField(null=True, blank=True, help_text="Exercise seconds after start.")
    trigger = models.CharField(max_length=8, choices=Trigger.choices, blank=True)
    trigger_ref = models.CharField(max_length=32, blank=True, help_text="Inject or expectation key.")
    trigger_delay = models.FloatField(default=0)

    class Meta:
        abstract = True


class Inject(Scheduled):
    """A scripted event, due at an offset of exercise time or on a trigger."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="injects")
    key = models.CharField(max_length=32)
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=[(k, k) for k in INJECT_KINDS])
    severity = models.CharField(max_length=16, choices=[(s, s) for s in SEVERITIES])
    to_all = models.BooleanField(default=False)
    to = models.JSONField(default=list, blank=True, help_text="Team keys, when not to all.")
    body = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["scenario", "key"], name="unique_inject_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"


class Expectation(models.Model):
    """What the teams an inject targets are expected to do, and what it is worth."""

    class Mode(models.TextChoices):
        EACH = "each"
        ANY = "any"

    inject = models.ForeignKey(Inject, on_delete=models.CASCADE, related_name="expectations")
    key = models.CharField(max_length=32)
    order = models.PositiveIntegerField()
    mode = models.CharField(max_length=4, choices=Mode.choices)
    teams = models.JSONField(default=list)
    event = models.CharField(max_length=40)
    # A restraint (`none:` in the document): met when the window passes without the event.
    restraint = models.BooleanField(default=False)
    where = models.JSONField(default=dict, blank=True)
    within = models.FloatField()
    points = models.IntegerField(default=0)
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["inject__order", "order"]

    def __str__(self) -> str:
        return f"{self.key}: {self.event}"


class Persona(models.Model):
    """Someone not at the table whom the control cell plays: an envoy, a chair, the press."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="personas")
    key = models.CharField(max_length=32)
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120, blank=True)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["scenario", "key"], name="unique_persona_key")]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"


class MediaItem(Scheduled):
    """A scripted news-wire item, published by a persona (its outlet) like an inject."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="media")
    key = models.CharField(max_length=32)
    order = models.PositiveIntegerField()
    persona = models.CharField(max_length=32, help_text="The key of the persona that publishes it.")
    headline = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    to_all = models.BooleanField(default=False)
    to = models.JSONField(default=list, blank=True, help_text="Team keys, when not to all.")

    class Meta:
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["scenario", "key"], name="unique_media_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.headline}"
