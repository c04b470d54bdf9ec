"""A scenario being written in the browser's editor: kept as its writer entered it, so that
nothing typed is lost to a validation error, until it is published to the library."""

from django.conf import settings
from django.db import models

from exercise.models.scenarios import Scenario


class ScenarioDraft(models.Model):
    # A draft is its writer's alone: nobody else sees it until it is published.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenario_drafts")
    # The document as entered, not its normal form: a value the validator refuses is kept
    # as written, so the editor can show it next to its problem.
    document = models.JSONField(default=dict)
    # The scenario it was opened from; publishing under the same key replaces that one.
    base = models.ForeignKey(Scenario, null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts")
    # Where it came from, for the writer: "a new scenario", a scenario's key, a file's name.
    source = models.CharField(max_length=200, blank=True)
    # Problems of the file it was read from that have no place in the document (a row the
    # reader could not put anywhere), told against the file's cells.
    file_problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"draft {self.pk} of {self.owner_id}"
