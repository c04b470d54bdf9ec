"""What people wrote about an archived exercise, restored into the imported one: its
players' names, the inject schedule's end state, ratings, findings, hotwash notes, the
improvement plan and the feedback.

Staff users are not imported. A row that names one (an evaluator, a note's author) is
linked to the local user of that username when there is one, and otherwise keeps no
user: the log keeps every name as it was.
"""

from typing import Any

from django.contrib.auth import get_user_model

from exercise.archives import fields as f
from exercise.models import (
    AuditEntry,
    Exercise,
    ExerciseInject,
    ExerciseMedia,
    HotwashNote,
    ImprovementItem,
    Objective,
    ObjectiveFinding,
    ParticipantFeedback,
    Player,
    Rating,
    Team,
)


def _restored(model: Any, stamps: dict[str, Any], **fields: Any) -> None:
    """A row as it was archived: the model stamps it on creation, so the archived stamp is
    written over that afterwards."""
    made = model.objects.create(**fields)
    model.objects.filter(pk=made.pk).update(**stamps)


class Restorer:
    """The imported exercise, with its teams and objectives by key, and users by name."""

    def __init__(self, exercise: Exercise):
        self.exercise = exercise
        self.teams = {t.key: t for t in exercise.teams.all()}
        self.objectives = {o.key: o for o in Objective.objects.filter(scenario=exercise.scenario_id)}
        self._users: dict[str, Any] = {}

    def user(self, row: dict[str, Any], field: str) -> Any:
        name = row.get(field)
        if not isinstance(name, str) or not name:
            return None
        if name not in self._users:
            self._users[name] = get_user_model().objects.filter(username=name).first()
        return self._users[name]

    def optional_team(self, row: dict[str, Any], path: str) -> Team | None:
        return None if row.get("team") is None else self.team(row, path)

    def team(self, row: dict[str, Any], path: str) -> Team:
        key = row.get("team")
        if key not in self.teams:
            raise f.problem(f"{path}/team", "not a team of the scenario")
        return self.teams[key]

    def optional_objective(self, row: dict[str, Any], path: str) -> Objective | None:
        return None if row.get("objective") is None else self.objective(row, path)

    def objective(self, row: dict[str, Any], path: str) -> Objective:
        key = row.get("objective")
        if key not in self.objectives:
            raise f.problem(f"{path}/objective", "not an objective of the scenario")
        return self.objectives[key]

    def teams_and_players(self, rows: list[Any]) -> None:
        keys = [row.get("key") if isinstance(row, dict) else None for row in rows]
        if sorted(str(k) for k in keys) != sorted(self.teams) or not all(isinstance(k, str) for k in keys):
            raise f.problem("teams.json", "the teams are not the scenario's")
        for index, row in enumerate(rows):
            path = f"teams.json/{index}"
            team = self.teams[row["key"]]
            team.escalation = f.integer(row, "escalation", path, low=-1000, high=1000)
            team.last_visible_seq = f.integer(row, "last_visible_seq", path, high=self.exercise.last_seq)
            team.save(update_fields=["escalation", "last_visible_seq"])
            for number, player in enumerate(f.listing(row.get("players"), f"{path}/players")):
                where = f"{path}/players/{number}"
                player = f.mapping(player, where)
                _restored(
                    Player,
                    {"joined_at": f.moment(player, "joined_at", where)},
                    team=team,
                    name=f.text(player, "name", where, limit=80),
                )

    def injects(self, rows: list[Any]) -> None:
        scripted = {i.key: i for i in self.exercise.injects.all()}
        for index, row in enumerate(rows):
            path = f"injects.json/{index}"
            row = f.mapping(row, path)
            key = f.text(row, "key", path, limit=32, empty=False)
            item = scripted.get(key) or ExerciseInject(exercise=self.exercise, key=key)
            item.title = f.text(row, "title", path, limit=200)
            status = row.get("status")
            if status not in ExerciseInject.Status.values:
                raise f.problem(f"{path}/status", "not an inject status")
            item.status = status
            item.due_at = None if row.get("due_at") is None else f.number(row, "due_at", path)
            item.released_at = f.optional_moment(row, "released_at", path)
            item.skip_reason = f.text(row, "skip_reason", path)
            item.body_override = f.optional_text(row, "body_override", path)
            item.severity_override = f.text(row, "severity_override", path, limit=16)
            item.save()

    def media(self, rows: list[Any]) -> None:
        scripted = {m.key: m for m in self.exercise.media.all()}
        for index, row in enumerate(rows):
            path = f"media.json/{index}"
            row = f.mapping(row, path)
            key = f.text(row, "key", path, limit=32, empty=False)
            item = scripted.get(key) or ExerciseMedia(exercise=self.exercise, key=key)
            if row.get("source") not in ExerciseMedia.Source.values:
                raise f.problem(f"{path}/source", "not a news-wire source")
            if row.get("status") not in ExerciseMedia.Status.values:
                raise f.problem(f"{path}/status", "not a news-wire status")
            item.source, item.status = row["source"], row["status"]
            item.due_at = None if row.get("due_at") is None else f.number(row, "due_at", path)
            item.published_at = f.optional_moment(row, "published_at", path)
            item.persona = f.text(row, "persona", path, limit=32)
            item.headline = f.text(row, "headline", path, limit=200)
            item.body = f.text(row, "body", path)
            item.to = [
                f.text({"to": key}, "to", f"{path}/to", limit=16) for key in f.listing(row.get("to"), f"{path}/to")
            ]
            item.save()

    def ratings(self, rows: list[Any]) -> None:
        """Each rating whose evaluator is a local user; all of them stay in the log
        (rating.given), which is what the scores and the review read."""
        for index, row in enumerate(rows):
            path = f"ratings.json/{index}"
            row = f.mapping(row, path)
            evaluator = self.user(row, "evaluator")
            rating = row.get("rating")
            if rating not in Rating.Value.values:
                raise f.problem(f"{path}/rating", "one of P, S, M, U")
            team, objective = self.team(row, path), self.objective(row, path)
            if evaluator is not None:
                Rating.objects.create(
                    exercise=self.exercise,
                    team=team,
                    objective=objective,
                    evaluator=evaluator,
                    rating=rating,
                    note=f.text(row, "note", path),
                    given_at=f.moment(row, "given_at", path),
                )

    def findings(self, rows: list[Any]) -> None:
        for index, row in enumerate(rows):
            path = f"findings.json/{index}"
            row = f.mapping(row, path)
            _restored(
                ObjectiveFinding,
                {"updated_at": f.moment(row, "updated_at", path)},
                exercise=self.exercise,
                objective=self.objective(row, path),
                strengths=f.text(row, "strengths", path),
                areas=f.text(row, "areas", path),
                updated_by=self.user(row, "updated_by"),
            )

    def hotwash(self, rows: list[Any]) -> None:
        for index, row in enumerate(rows):
            path = f"hotwash.json/{index}"
            row = f.mapping(row, path)
            _restored(
                HotwashNote,
                {"created_at": f.moment(row, "created_at", path)},
                exercise=self.exercise,
                text=f.text(row, "text", path),
                author=self.user(row, "author"),
            )

    def improvements(self, rows: list[Any]) -> None:
        for index, row in enumerate(rows):
            path = f"improvements.json/{index}"
            row = f.mapping(row, path)
            status = row.get("status")
            if status not in ImprovementItem.Status.values:
                raise f.problem(f"{path}/status", "not a plan status")
            _restored(
                ImprovementItem,
                {"created_at": f.moment(row, "created_at", path)},
                exercise=self.exercise,
                area=f.text(row, "area", path),
                action=f.text(row, "action", path),
                objective=self.optional_objective(row, path),
                organisation=f.text(row, "organisation", path, limit=200),
                owner=f.text(row, "owner", path, limit=200),
                start=f.optional_day(row, "start", path),
                due=f.day(row, "due", path),
                status=status,
                created_by=self.user(row, "created_by"),
            )

    def feedback(self, rows: list[Any]) -> None:
        for index, row in enumerate(rows):
            path = f"feedback.json/{index}"
            row = f.mapping(row, path)
            _restored(
                ParticipantFeedback,
                {"created_on": f.day(row, "created_on", path)},
                exercise=self.exercise,
                team=self.optional_team(row, path),
                name=f.text(row, "name", path, limit=80),
                realism=f.integer(row, "realism", path, low=1, high=5),
                usefulness=f.integer(row, "usefulness", path, low=1, high=5),
                went_well=f.text(row, "went_well", path),
                to_improve=f.text(row, "to_improve", path),
            )

    def audit(self, rows: list[Any]) -> None:
        """The changes staff made outside the log, as they were recorded: the targets keep
        the archived exercise's own names and ids."""
        for index, row in enumerate(rows):
            path = f"audit.json/{index}"
            row = f.mapping(row, path)
            subject = row.get("subject")
            if subject not in AuditEntry.Subject.values:
                raise f.problem(f"{path}/subject", "not a subject the audit trail records")
            for side in ("before", "after"):
                if row.get(side) is not None and not isinstance(row[side], dict):
                    raise f.problem(f"{path}/{side}", "must be the recorded fields, or null")
            _restored(
                AuditEntry,
                {"at": f.moment(row, "at", path)},
                exercise=self.exercise,
                who=self.user(row, "who"),
                who_name=f.text(row, "who", path, limit=150),
                subject=subject,
                target=f.text(row, "target", path, limit=200),
                action=f.text(row, "action", path, limit=20),
                before=row.get("before"),
                after=row.get("after"),
            )
