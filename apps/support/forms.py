from __future__ import annotations

from django import forms

from apps.core.dates import check_as_at
from apps.support.models import Offer, Provider, Tier
from apps.support.services.triage import default_rules


class OfferFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, help_text="For example: finance, mentoring")
    tier = forms.ChoiceField(
        label="Tier of support", required=False, choices=[("", "Any tier"), *Tier.choices]
    )
    provider = forms.ChoiceField(
        label="Provider", required=False, choices=[("", "Any provider"), *Provider.choices]
    )

    def apply(self, offers):
        data = self.cleaned_data
        return offers.search(data["q"]).in_tier(data["tier"]).from_provider(data["provider"])


class TriageInputForm(forms.Form):
    """What the person adds to the early warning: soft intelligence, or a band when none exists."""

    as_at = forms.DateField(
        label="Assess as at",
        required=False,
        help_text="The early warning uses only what was published by this date (default: the "
        "latest date on which the published figures are all recent enough to count)",
        validators=[check_as_at],
    )
    soft = forms.MultipleChoiceField(
        label="Soft intelligence", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soft"].choices = list(default_rules().soft_categories.items())


class TriageDecisionForm(forms.Form):
    tier = forms.ChoiceField(label="Tier of support", choices=Tier.choices)
    offers = forms.ModelMultipleChoiceField(
        label="Offers",
        queryset=Offer.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    rationale = forms.CharField(
        label="Why",
        required=False,
        widget=forms.Textarea,
        help_text="Required if you change the proposed tier or offers",
    )

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["offers"].queryset = Offer.objects.active()

    def clean(self):
        data = super().clean()
        if self.proposal and not self.errors:
            slugs = {o.slug for o in data.get("offers", [])}
            changed = data["tier"] != self.proposal.tier or slugs != set(self.proposal.offers)
            if changed and not data.get("rationale", "").strip():
                self.add_error("rationale", "Say why you changed the proposed tier or offers")
        return data
