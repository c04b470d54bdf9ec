from django import forms

from exercise.access import MAX_PLAYER_NAME


class JoinForm(forms.Form):
    code = forms.CharField(
        max_length=64,
        label="Join code",
        help_text="The code your facilitator gave your team.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    name = forms.CharField(
        max_length=MAX_PLAYER_NAME,
        label="Your name",
        help_text="How other teams and the facilitator will see you, e.g. Lt. Col. Reyes.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
