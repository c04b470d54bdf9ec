"""The instruments of military diplomacy the teams use: hotlines, dialogues, joint
operations, actions on the escalation ladder and situation reports.

Messages and state changes are also events in the log; these rows hold what the rules
need to decide the next command (who may speak, what is open, who has endorsed).
"""

from django.db import models

from exercise.models.runs import Exercise, Player, Team


class Hotline(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested"
        OPEN = "open"
        DECLINED = "declined"
        CLOSED = "closed"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="hotlines")
    caller = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    callee = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(Player, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["exercise", "status"], name="hotline_status_idx")]

    def __str__(self) -> str:
        return f"hotline {self.pk} {self.status}"


class HotlineOutage(models.Model):
    """A facilitator's cut of the line between two teams, until restored."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="hotline_outages")
    team_a = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    team_b = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"outage {self.pk}"


class Dialogue(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="dialogues")
    title = models.CharField(max_length=200)
    convener = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    participants = models.ManyToManyField(Team, related_name="dialogues")
    convened_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Statement(models.Model):
    """A statement proposed in a dialogue. ``endorsed_by`` and ``reservations`` are those of
    the current text: an amendment (``version`` + 1) starts them again."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.CASCADE, related_name="statements")
    text = models.TextField()
    version = models.PositiveIntegerField(default=1)
    proposer = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    endorsed_by = models.ManyToManyField(Team, related_name="+", blank=True)
    reservations = models.JSONField(default=dict, blank=True, help_text="team key: the reservation it endorsed with")
    proposed_at = models.DateTimeField()
    adopted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"statement {self.pk}"


class Message(models.Model):
    """A message on a hotline or in a dialogue; a null team means a facilitator wrote it."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="messages")
    hotline = models.ForeignKey(Hotline, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    dialogue = models.ForeignKey(Dialogue, null=True, blank=True, on_delete=models.CASCADE, related_name="messages")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    author = models.CharField(max_length=150)
    text = models.TextField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"message {self.pk} by {self.author}"


class JointOperation(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed"
        AWAITING_ADJUDICATION = "awaiting_adjudication"
        DECLINED = "declined"
        ADJUDICATED = "adjudicated"

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded"
        PARTIAL = "partial"
        FAILED = "failed"

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="joint_operations")
    kind = models.CharField(max_length=32)
    proposer = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    objective = models.TextField()
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PROPOSED)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    narrative = models.TextField(blank=True)
    proposed_at = models.DateTimeField()
    adjudicated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} {self.status}"


class OperationPartner(models.Model):
    class Answer(models.TextChoices):
        PENDING = ""
        ACCEPTED = "accepted"
        DECLINED = "declined"

    operation = models.ForeignKey(JointOperation, on_delete=models.CASCADE, related_name="partners")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=8, choices=Answer.choices, blank=True, default=Answer.PENDING)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["operation", "team"], name="unique_operation_partner")]

    def __str__(self) -> str:
        return f"partner {self.team_id} of {self.operation_id}"


class Action(models.Model):
    """A unilateral move on the escalation ladder, seen by every team."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="actions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="actions")
    player = models.ForeignKey(Player, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=20)
    text = models.TextField(blank=True)
    escalation = models.IntegerField(help_text="The team's rung after this action.")
    taken_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} by team {self.team_id}"


class Report(models.Model):
    """A team's situation report answering an inject."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="reports")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="reports")
    player = models.ForeignKey(Player, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    inject_key = models.CharField(max_length=32)
    text = models.TextField()
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.inject_key}"


class CommandReceipt(models.Model):
    """The first answer to a command sent with a client_id, returned again on a repeat."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    actor = models.CharField(max_length=64, help_text="player:<id> or user:<id>")
    client_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    seq = models.PositiveBigIntegerField()
    answer = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "client_id"], name="unique_client_id_per_actor")]

    def __str__(self) -> str:
        return f"{self.actor} {self.client_id}"
