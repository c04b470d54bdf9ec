"""The forms of the scenario editor's parts, and how a document's values are shown in their
fields and read back as entered.

Every field is text, as in a workbook's cell (exercise/workbook/cells.py reads the same
forms: team lists, lines, triggers, field=value constraints); the validator, not the form,
says what is wrong with a value, so a blank or a wrong one is kept, never refused here.
"""

from dataclasses import dataclass
from typing import Any, cast

from django import forms

from exercise.models.scenarios import INJECT_KINDS, SEVERITIES
from exercise.scenario_document import SCORING_KEYS
from exercise.workbook.cells import as_number, read_trigger, team_list_text, trigger_text, where_text

Document = dict[str, Any]
TEXT = {"maxlength": 20_000}


def shown(value: Any) -> str:
    """A document value as the text of a field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def typed(text: str) -> Any:
    """Text typed where a duration or a number goes: a number when it spells one, else the
    text for the validator to refuse; None (no field) when blank."""
    text = text.strip()
    return as_number(text) if text else None


def schedule_text(item: dict[str, Any]) -> tuple[str, str]:
    trigger = item.get("trigger")
    if isinstance(trigger, dict) and any(t in trigger for t in ("after", "met", "missed")):
        try:
            return shown(item.get("at")), trigger_text(trigger)
        except (KeyError, StopIteration):
            pass
    return shown(item.get("at")), shown(trigger)


def schedule(at: str, trigger: str) -> dict[str, Any]:
    """An item's ``at`` or ``trigger`` from its two fields; a trigger that cannot be read
    stays the line typed, for the validator to refuse."""
    found: dict[str, Any] = {}
    if at.strip():
        found["at"] = typed(at)
    if trigger.strip():
        written = read_trigger(trigger)
        if written and "delay" in written:
            written["delay"] = typed(written["delay"])  # a number of seconds, as a document may give it
        found["trigger"] = written or trigger.strip()
    return found


def team_list(value: Any) -> str:
    if value == "all" or (isinstance(value, list) and all(isinstance(k, str) for k in value)):
        return team_list_text(value)
    return shown(value)


def where_shown(value: Any) -> str:
    return where_text(value) if isinstance(value, dict) and value else shown(value) if value else ""


def items_of(document: Document, name: str) -> list[Any]:
    value = document.get(name)
    return value if isinstance(value, list) else []


def mapping_of(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def choices_with(options: tuple[str, ...], current: list[str]) -> list[tuple[str, str]]:
    """A select's choices, with any value the document holds that is not one of them, so
    that a wrong value read from a file is shown, not lost."""
    extra = sorted({v for v in current if v and v not in options})
    return [("", "—")] + [(o, o) for o in options] + [(v, f"{v} (not allowed)") for v in extra]


class Text(forms.CharField):
    """Text kept as typed: not stripped (a body's last line break is the writer's), with
    the browser's CRLF line breaks as the document writes them."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).replace("\r\n", "\n")


# Forms: one per row of a part's table. Every field is optional text: blank is a value the
# validator tells about ("is required"), not a reason to lose the rest of the row.


class GeneralForm(forms.Form):
    key = Text(required=False, max_length=200, help_text="Lower-case letters, digits and '-'.")
    title = Text(required=False, max_length=2000)
    classification = Text(required=False, max_length=2000, help_text="One line; blank for none.")
    summary = Text(required=False, widget=forms.Textarea(attrs={"rows": 3, **TEXT}))
    tags = Text(required=False, max_length=2000, help_text="Words separated by commas.")
    duration = Text(required=False, max_length=200, help_text="Such as 3h or 3h30m.")
    read_ahead = Text(
        required=False,
        label="Read-ahead",
        widget=forms.Textarea(attrs={"rows": 6, **TEXT}),
        help_text="Markdown: the road to the crisis, shown to every team.",
    )


class ObjectiveForm(forms.Form):
    team = forms.ChoiceField(required=False, help_text="Blank for an objective of the whole scenario.")
    key = Text(required=False, max_length=200)
    text = Text(required=False, widget=forms.Textarea(attrs={"rows": 2, **TEXT}))

    def __init__(self, *args: Any, teams: list[str] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["team"]).choices = [("", "The whole scenario")] + [(k, k) for k in teams]


class TeamForm(forms.Form):
    key = Text(required=False, max_length=200, help_text="Such as ARC.")
    name = Text(required=False, max_length=2000)
    summary = Text(
        required=False,
        label="Brief",
        widget=forms.Textarea(attrs={"rows": 3, **TEXT}),
        help_text="Only this team reads it.",
    )
    interests = Text(required=False, widget=forms.Textarea(attrs={"rows": 3, **TEXT}), help_text="One per line.")
    red_lines = Text(
        required=False, label="Red lines", widget=forms.Textarea(attrs={"rows": 2, **TEXT}), help_text="One per line."
    )


class PersonaForm(forms.Form):
    key = Text(required=False, max_length=200)
    name = Text(required=False, max_length=2000)
    role = Text(required=False, max_length=2000)


class InjectForm(forms.Form):
    key = Text(required=False, max_length=200)
    at = Text(required=False, label="At", max_length=200, help_text="Such as 15m; or a trigger.")
    trigger = Text(required=False, max_length=200, help_text="Such as after I1 +5m, met E1, missed E1.")
    title = Text(required=False, max_length=2000)
    kind = forms.ChoiceField(required=False)
    severity = forms.ChoiceField(required=False)
    to = Text(required=False, label="To", max_length=2000, help_text="all, or team keys such as ARC, BOR.")
    body = Text(required=False, widget=forms.Textarea(attrs={"rows": 3, **TEXT}), help_text="Markdown.")

    def __init__(self, *args: Any, kinds: list[str] = (), severities: list[str] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = choices_with(INJECT_KINDS, list(kinds))
        cast(forms.ChoiceField, self.fields["severity"]).choices = choices_with(SEVERITIES, list(severities))


class ExpectationForm(forms.Form):
    inject = forms.ChoiceField(label="Inject")
    key = Text(required=False, max_length=200)
    mode = forms.ChoiceField(
        choices=[("each", "each (decided per team)"), ("any", "any (once for the group)")], required=False
    )
    teams = Text(required=False, max_length=2000, help_text="all, or team keys.")
    event = Text(required=False, max_length=200, help_text="The kind of event, such as hotline.requested.")
    restraint = forms.BooleanField(required=False, label="A restraint: the event must not happen")
    where = Text(
        required=False, widget=forms.Textarea(attrs={"rows": 2, **TEXT}), help_text="One field=value per line."
    )
    within = Text(required=False, max_length=200, help_text="Such as 10m.")
    points = Text(required=False, max_length=200)
    objective = Text(required=False, max_length=200, help_text="The key of an objective it serves.")

    def __init__(self, *args: Any, injects: list[tuple[str, str]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["inject"]).choices = list(injects)
        self.fields["event"].widget.attrs["list"] = "event-kinds"


class MediaForm(forms.Form):
    key = Text(required=False, max_length=200)
    at = Text(required=False, label="At", max_length=200)
    trigger = Text(required=False, max_length=200)
    persona = Text(required=False, max_length=200, help_text="The key of the persona publishing it.")
    headline = Text(required=False, max_length=2000)
    body = Text(required=False, widget=forms.Textarea(attrs={"rows": 3, **TEXT}))
    to = Text(required=False, label="To", max_length=2000, help_text="Blank or all for every team.")


SCORING_SECTIONS = {
    "trust": "Trust: what each kind of event adds to or takes from trust between two teams",
    "escalation": "Escalation: rungs each kind of action moves a team up (or down) the ladder",
}


class _Scoring(forms.Form):
    entries: list[Any]  # set by the page: each field with its problems

    @property
    def sections(self) -> list[tuple[str, list[Any]]]:
        """The fields with their problems, in a fieldset per section of the document."""
        return [
            (legend, [e for e in self.entries if e.field.name.startswith(f"{section}__")])
            for section, legend in SCORING_SECTIONS.items()
        ]


def _scoring_form() -> type[forms.Form]:
    fields: dict[str, forms.Field] = {
        f"{section}__{name}": Text(required=False, max_length=200, label=name)
        for section, names in SCORING_KEYS.items()
        for name in names
    }
    return type("ScoringForm", (_Scoring,), fields)


ScoringForm = _scoring_form()


@dataclass
class Table:
    """A formset of one part: its prefix, its row form and the label of a row."""

    prefix: str
    form: type[forms.Form]
    noun: str


def formset(table: Table, data: Any, initial: list[dict[str, Any]], **form_kwargs: Any) -> forms.BaseFormSet:
    cls = forms.formset_factory(table.form, extra=0, can_delete=True, max_num=1000, absolute_max=1000)
    return cls(data, initial=initial, prefix=table.prefix, form_kwargs=form_kwargs)


def field_id(prefix: str, index: int, name: str) -> str:
    return f"id_{prefix}-{index}-{name}"


def row_paths(document: Document, name: str, prefix: str, fields: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for i, _ in enumerate(items_of(document, name)):
        found[f"{name}[{i}]"] = field_id(prefix, i, fields[0])
        found |= {f"{name}[{i}].{f}": field_id(prefix, i, f) for f in fields}
    return found
