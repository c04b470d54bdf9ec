from django import forms

from exercise import clock
from exercise.models import ImprovementItem, Scenario
from exercise.models.scenarios import INJECT_KINDS, SEVERITIES


class ExerciseForm(forms.Form):
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.order_by("title"), empty_label=None)
    name = forms.CharField(max_length=200, label="Exercise name")
    speed = forms.FloatField(
        min_value=clock.MIN_SPEED,
        max_value=clock.MAX_SPEED,
        initial=1.0,
        help_text="Exercise minutes per wall minute.",
    )


class SpeedForm(forms.Form):
    speed = forms.FloatField(min_value=clock.MIN_SPEED, max_value=clock.MAX_SPEED)


class SkipForm(forms.Form):
    reason = forms.CharField(max_length=2000)


class AdhocInjectForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown."
    )
    kind = forms.ChoiceField(choices=[(k, k.replace("_", " ")) for k in INJECT_KINDS], initial="other")
    severity = forms.ChoiceField(choices=[(s, s) for s in SEVERITIES], initial="medium")
    to = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, help_text="None ticked: every team."
    )

    def __init__(self, *args, teams=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(t.key, f"{t.key} {t.name}") for t in teams]


class FindingsForm(forms.Form):
    strengths = forms.CharField(required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}))
    areas = forms.CharField(
        required=False, max_length=20_000, label="Areas for improvement", widget=forms.Textarea(attrs={"rows": 5})
    )


class HotwashForm(forms.Form):
    text = forms.CharField(max_length=20_000, label="Hotwash note", widget=forms.Textarea(attrs={"rows": 3}))


class ImprovementForm(forms.Form):
    area = forms.CharField(max_length=20_000, label="Area for improvement", widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.CharField(max_length=20_000, label="Corrective action", widget=forms.Textarea(attrs={"rows": 2}))
    objective = forms.ChoiceField(required=False)
    organisation = forms.CharField(max_length=200, label="Responsible organisation")
    owner = forms.CharField(max_length=200)
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    due = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(choices=ImprovementItem.Status.choices)

    def __init__(self, *args, objectives=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["objective"].choices = [("", "—")] + [(o.key, f"{o.key}: {o.text}") for o in objectives]
