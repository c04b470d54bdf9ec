"""Who works on an exercise, and in what role; and the audit of what staff change outside
the log (inject edits, findings, the improvement plan, these assignments)."""

from django.conf import settings
from django.db import models

from exercise.models.runs import Exercise

STAFF_ROLE_CHOICES = [("facilitator", "Facilitator"), ("evaluator", "Evaluator"), ("observer", "Observer")]


class StaffAssignment(models.Model):
    """A staff user assigned to one exercise: the exercise exists for them, and they act
    on it in this role, whatever their account's role elsewhere."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(max_length=12, choices=STAFF_ROLE_CHOICES)
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__username"]
        constraints = [models.UniqueConstraint(fields=["exercise", "user"], name="unique_staff_assignment")]

    def __str__(self) -> str:
        return f"{self.user_id} as {self.role} on {self.exercise_id}"


class AuditEntry(models.Model):
    """One change a staff user made that the event log does not keep whole: who, when,
    what, and the values before and after (None for a thing created or removed)."""

    class Subject(models.TextChoices):
        INJECT = "inject", "Inject"
        FINDINGS = "findings", "Findings"
        IMPROVEMENT = "improvement", "Improvement item"
        STAFF = "staff", "Staff assignment"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="audit")
    who = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The name as it was, kept when the account is deleted.
    who_name = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=12, choices=Subject.choices)
    target = models.CharField(max_length=200, help_text="Which one: an inject key, objective, item id or username.")
    action = models.CharField(max_length=20)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.who_name} {self.action} {self.subject} {self.target}"
