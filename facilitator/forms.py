from django import forms

from exercise.models import ImprovementItem


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
