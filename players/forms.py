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


class FeedbackForm(forms.Form):
    SCALE = [(n, str(n)) for n in range(1, 6)]

    realism = forms.TypedChoiceField(
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        label="How realistic was the exercise? (1 not at all, 5 very)",
    )
    usefulness = forms.TypedChoiceField(
        choices=SCALE, coerce=int, widget=forms.RadioSelect, label="How useful was it to you? (1 not at all, 5 very)"
    )
    went_well = forms.CharField(
        required=False, max_length=4000, label="What went well?", widget=forms.Textarea(attrs={"rows": 3})
    )
    to_improve = forms.CharField(
        required=False, max_length=4000, label="What should we improve?", widget=forms.Textarea(attrs={"rows": 3})
    )
    anonymous = forms.BooleanField(
        required=False, label="Answer anonymously", help_text="Your name and team are not stored with your answers."
    )
