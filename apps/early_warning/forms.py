from __future__ import annotations

import datetime as dt

from django import forms

from apps.core.dates import check_as_at
from apps.councils.models import REGIONS, CouncilType
from apps.early_warning.engine import available_frameworks, load_framework
from apps.early_warning.models import NoteCategory, SoftIntelligence


class DateInput(forms.DateInput):
    input_type = "date"


STATUS_ORDER = {"recommended": 0, "comparison": 1, "baseline": 2}


def framework_choices(include_reference: bool = False) -> list[tuple[str, str]]:
    """English frameworks, the recommended one first and single-indicator baselines last."""
    found = []
    for name in available_frameworks():
        fw = load_framework(name)
        if fw.source.get("kind") == "english-councils" or include_reference:
            found.append((STATUS_ORDER.get(fw.status, 1), name, f"{fw.title} (v{fw.version})"))
    return [(name, label) for _, name, label in sorted(found)]


class WatchlistForm(forms.Form):
    as_at = forms.DateField(
        label="As at",
        required=False,
        widget=DateInput,
        help_text="Only data published by then",
        validators=[check_as_at],
    )
    framework = forms.ChoiceField(label="Framework", required=False)
    band = forms.CharField(label="Band", required=False)
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "All regions")] + [(r, r) for r in REGIONS]
    )
    council_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "All types")] + list(CouncilType.choices)
    )
    q = forms.CharField(label="Council name", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = framework_choices()


class CompareForm(forms.Form):
    as_at = forms.DateField(
        label="As at", required=False, widget=DateInput, validators=[check_as_at]
    )
    a = forms.ChoiceField(label="First framework", required=False)
    b = forms.ChoiceField(label="Second framework", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = framework_choices()
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices


class NoteForm(forms.ModelForm):
    class Meta:
        model = SoftIntelligence
        fields = ["category", "severity", "observed_on", "summary", "detail", "shared_with_council"]
        widgets = {"observed_on": DateInput}
        labels = {"observed_on": "Date it became known", "detail": "Detail (optional)"}

    def clean_observed_on(self):
        value = self.cleaned_data["observed_on"]
        if value > dt.date.today():
            raise forms.ValidationError("The date cannot be in the future")
        return value


class NotesFilterForm(forms.Form):
    category = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds")] + list(NoteCategory.choices)
    )
    q = forms.CharField(label="Council name", required=False)
