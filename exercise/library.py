"""The scenario library as staff read it: each scenario with the exercises made from it
that the reader may see, filtered by a search of its words."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from exercise import staffing
from exercise.models import Exercise, Scenario
from exercise.roles import Caller, require_staff


@dataclass
class LibraryEntry:
    scenario: Scenario
    # Every exercise made from it counts (a used scenario cannot be deleted), but only the
    # reader's own are named: staff see no exercise they are not assigned to.
    uses: int
    used_by: list[Exercise] = field(default_factory=list)

    @property
    def unnamed_uses(self) -> int:
        return self.uses - len(self.used_by)


def search_scenarios(*, caller: Caller, text: str = "") -> QuerySet[Scenario]:
    """Scenarios whose title, key or summary hold every word of ``text``, or that are
    tagged with it, by title."""
    require_staff(caller)
    found = Scenario.objects.all()
    for word in text.split():
        found = found.filter(
            Q(title__icontains=word)
            | Q(key__icontains=word)
            | Q(summary__icontains=word)
            | Q(tags__contains=[word.lower()])
        )
    return (
        found.annotate(
            uses=Count("exercises", distinct=True),
            team_count=Count("teams", distinct=True),
            inject_count=Count("injects", distinct=True),
        )
        .select_related("created_by")
        .order_by("title", "id")
    )


def library(*, caller: Caller, text: str = "") -> list[LibraryEntry]:
    found = search_scenarios(caller=caller, text=text)
    entries = {s.pk: LibraryEntry(scenario=s, uses=s.uses) for s in found}  # type: ignore[attr-defined]  # annotated
    for exercise in staffing.assigned_exercises(caller).filter(scenario__in=list(entries)):
        entries[exercise.scenario_id].used_by.append(exercise)
    return list(entries.values())
