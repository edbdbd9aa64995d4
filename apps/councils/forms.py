from django import forms

from apps.councils.models import REGIONS, CouncilQuerySet, CouncilType


class CouncilFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or code", required=False)
    council_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "All types"), *CouncilType.choices]
    )
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "All regions")] + [(r, r) for r in REGIONS]
    )
    include_former = forms.BooleanField(label="Include former councils", required=False)

    def apply(self, councils: CouncilQuerySet) -> CouncilQuerySet:
        data = self.cleaned_data
        councils = (
            councils.search(data["q"] or "").of_type(data["council_type"]).in_region(data["region"])
        )
        return councils if data["include_former"] else councils.current()
