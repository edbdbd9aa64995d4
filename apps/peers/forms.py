"""Forms: register filters, a team request, a hand swap."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from apps.councils.models import REGIONS, Council
from apps.peers.models import OfficerRole, PeerKind
from apps.peers.teams.rules import PARTY_NAMES, load_rules


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label="Name, peer ID or council", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any")] + list(PeerKind.choices)
    )
    role = forms.ChoiceField(
        label="Officer role", required=False, choices=[("", "Any")] + list(OfficerRole.choices)
    )
    party = forms.ChoiceField(
        label="Party",
        required=False,
        choices=[("", "Any")] + [(k, v) for k, v in PARTY_NAMES.items() if k != "NOC"],
    )
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "Any")] + [(r, r) for r in REGIONS]
    )
    expertise = forms.ChoiceField(label="Expertise", required=False)
    accredited = forms.ChoiceField(
        label="Accreditation today",
        required=False,
        choices=[("", "Any"), ("valid", "Valid"), ("expired", "Expired")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expertise"].choices = [("", "Any")] + list(load_rules().expertise.items())


class TeamRequestForm(forms.Form):
    council = forms.ModelChoiceField(
        label="Council", queryset=Council.objects.none(), help_text="Councils in your scope"
    )
    engagement = forms.ChoiceField(
        label="Engagement (optional)",
        required=False,
        help_text="Link the team to an engagement so peers with accounts are deployed to it",
    )
    start_date = forms.DateField(
        label="First day",
        help_text="For example, 2026-03-02",
        widget=forms.DateInput(format="%Y-%m-%d"),
    )
    days = forms.IntegerField(
        label="Working days",
        min_value=1,
        max_value=60,
        initial=5,
        help_text="Weekends and bank holidays in England are not counted",
    )
    team_size = forms.IntegerField(label="Peers on the team")
    ruling_party = forms.ChoiceField(
        label="Ruling group (if it has changed)",
        required=False,
        choices=[("", "As on record for the council")]
        + [(k, v[0].upper() + v[1:]) for k, v in PARTY_NAMES.items()],
        help_text="The register's political control is the 2019-20 file; set this when control "
        "has changed since",
    )
    needs = forms.MultipleChoiceField(
        label="Expertise the council needs",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, councils=None, engagements=(), **kwargs):
        super().__init__(*args, **kwargs)
        rules = load_rules()
        self.fields["council"].queryset = councils if councils is not None else Council.objects
        self.fields["engagement"].choices = [("", "None (ad-hoc team)")] + [
            (str(e.pk), str(e)) for e in engagements
        ]
        self.fields["needs"].choices = list(rules.expertise.items())
        size = self.fields["team_size"]
        size.initial = rules.default_size
        size.help_text = f"Between {rules.min_size} and {rules.max_size}, leads included"
        # ISO text: the shared field template prints values as they are, not through the widget.
        self.fields["start_date"].initial = (
            timezone.localdate() + dt.timedelta(days=42)
        ).isoformat()

    def clean_team_size(self):
        rules = load_rules()
        value = self.cleaned_data["team_size"]
        if not rules.min_size <= value <= rules.max_size:
            raise forms.ValidationError(
                f"Enter a team size between {rules.min_size} and {rules.max_size}"
            )
        return value

    def clean(self):
        data = super().clean()
        council, eng_id = data.get("council"), data.get("engagement")
        if eng_id:
            from apps.engagements.models import Engagement

            engagement = Engagement.objects.filter(pk=eng_id).first()
            if engagement is None or (council and engagement.council_id != council.pk):
                self.add_error("engagement", "Choose an engagement with the same council")
            data["engagement_obj"] = engagement
        return data


class SwapForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    peer_ref = forms.CharField(
        label="Replacement peer ID", help_text="Pick a suggestion or type any peer ID"
    )


class DateInput(forms.DateInput):
    input_type = "date"


class BatchRowForm(forms.Form):
    """One engagement in a batch: whether to build its team, and the team's dates and needs."""

    include = forms.BooleanField(label="Build a team for this engagement", required=False)
    engagement = forms.IntegerField(widget=forms.HiddenInput)
    start_date = forms.DateField(label="First day", widget=DateInput(format="%Y-%m-%d"))
    days = forms.IntegerField(
        label="Working days",
        min_value=1,
        max_value=60,
        help_text="Weekends and bank holidays in England are not counted",
    )
    team_size = forms.IntegerField(label="Peers on the team")
    needs = forms.MultipleChoiceField(
        label="Expertise the council needs", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, engagement=None, **kwargs):
        super().__init__(*args, **kwargs)
        rules = load_rules()
        self.engagement_obj = engagement
        self.fields["needs"].choices = list(rules.expertise.items())
        self.fields[
            "team_size"
        ].help_text = f"Between {rules.min_size} and {rules.max_size}, leads included"

    def clean_team_size(self):
        rules = load_rules()
        value = self.cleaned_data["team_size"]
        if not rules.min_size <= value <= rules.max_size:
            raise forms.ValidationError(
                f"Enter a team size between {rules.min_size} and {rules.max_size}"
            )
        return value


def batch_forms(engagements, data=None) -> list[BatchRowForm]:
    """One row form per engagement (prefixed by its id), with sensible defaults."""
    rules = load_rules()
    start = timezone.localdate() + dt.timedelta(days=42)
    start += dt.timedelta(days=(7 - start.weekday()) % 7)  # a Monday
    return [
        BatchRowForm(
            data,
            prefix=f"e{e.pk}",
            engagement=e,
            initial={
                "engagement": e.pk,
                "start_date": start.isoformat(),
                "days": 5,
                "team_size": rules.default_size,
            },
        )
        for e in engagements
    ]
