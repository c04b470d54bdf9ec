from django import forms

from exercise import clock
from exercise.models import Scenario
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
