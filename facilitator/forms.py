from django import forms

from exercise import clock
from exercise.models import Scenario


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
