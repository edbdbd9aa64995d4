from __future__ import annotations

from django import forms

from apps.accounts import permissions
from apps.councils.models import REGIONS, Council
from apps.engagements.models import Action, State
from apps.engagements.workflow import TransitionSpec
from apps.support.models import Offer


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class EngagementFilterForm(forms.Form):
    q = forms.CharField(label="Council or title", required=False)
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Any state"), *State.choices]
    )
    region = forms.ChoiceField(
        label="Region", required=False, choices=[("", "Any region")] + [(r, r) for r in REGIONS]
    )
    overdue = forms.BooleanField(label="Only with overdue actions", required=False)

    def apply(self, engagements):
        data = self.cleaned_data
        engagements = engagements.in_state(data["state"]).in_region(data["region"])
        if data["q"]:
            from django.db.models import Q

            engagements = engagements.filter(
                Q(council__name__icontains=data["q"]) | Q(title__icontains=data["q"])
            )
        if data["overdue"]:
            engagements = engagements.overdue()
        return engagements


class EngagementForm(forms.Form):
    council = forms.ModelChoiceField(
        label="Council", queryset=Council.objects.none(), to_field_name="gss_code"
    )
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="Why the sector is concerned", widget=forms.Textarea, required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [
            c.pk
            for c in Council.objects.current().only("pk", "region")
            if permissions.can_manage_council_cases(user, c)
        ]
        self.fields["council"].queryset = Council.objects.filter(pk__in=allowed)
        self.existing: list = []

    open_another = forms.BooleanField(
        label="Open another engagement anyway (this council already has an open one)",
        required=False,
    )

    def clean(self):
        from apps.engagements.models import Engagement

        data = super().clean()
        council = data.get("council")
        if council is not None:
            self.existing = list(Engagement.objects.open().for_council(council))
        if self.existing and not data.get("open_another"):
            names = "; ".join(
                f"“{e.title}”{e.demo_mark} ({e.get_state_display().lower()})" for e in self.existing
            )
            self.add_error(
                "council",
                f"{council.name} already has an open engagement: {names}. Work in that one, or "
                "tick “Open another engagement anyway” to open a second.",
            )
        return data


class EngagementEditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="Why the sector is concerned", widget=forms.Textarea, required=False
    )
    reason = forms.CharField(label="Why the change (optional)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TransitionForm(forms.Form):
    """Built from the workflow's declaration of a transition: its fields plus a reason."""

    def __init__(self, *args, spec: TransitionSpec, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        for f in spec.fields:
            if f.kind == "date":
                field = forms.DateField(widget=DateInput)
            elif f.kind == "longtext":
                field = forms.CharField(widget=forms.Textarea)
            elif f.kind == "choice":
                field = forms.ChoiceField(choices=[("", "Choose"), *f.choices])
            elif f.kind == "offers":
                field = forms.ModelMultipleChoiceField(
                    queryset=Offer.objects.active(),
                    to_field_name="slug",
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                field = forms.CharField(max_length=200)
            field.label = f.label
            field.required = f.required
            field.help_text = f.help
            verb = "Choose" if f.kind in ("choice", "offers") else "Enter"
            field.error_messages["required"] = f"{verb} {f.label[0].lower() + f.label[1:]}"
            if f.kind == "date":
                field.error_messages["invalid"] = f"{f.label} must be a real date"
            self.fields[f.name] = field
        self.fields["reason"] = forms.CharField(
            label="Why (kept in the record)",
            widget=forms.Textarea,
            error_messages={"required": "Say why, for the record"},
        )

    def transition_data(self) -> dict:
        data = {}
        for f in self.spec.fields:
            value = self.cleaned_data.get(f.name)
            if f.kind == "offers":
                value = [o.slug for o in value or []]
            data[f.name] = value
        return data


class ActionForm(forms.ModelForm):
    reason = forms.CharField(
        label="Why the change (optional)", required=False, widget=forms.Textarea
    )
    # the version the person started from: an edit from an older one is refused (409)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = ["title", "owner", "due_date", "rag", "evidence", "completed_on"]
        widgets = {
            "due_date": DateInput,
            "completed_on": DateInput,
            "evidence": forms.Textarea,
        }


class ProgressForm(forms.ModelForm):
    """What a council reports on its own plan: RAG status, evidence, completion."""

    reason = forms.CharField(label="What changed (optional)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = ["rag", "evidence", "completed_on"]
        widgets = {"completed_on": DateInput, "evidence": forms.Textarea}


class NoteForm(forms.Form):
    text = forms.CharField(label="Add a note", widget=forms.Textarea, max_length=20_000)
    staff_only = forms.BooleanField(
        label="Staff only: the council's users and peers do not see this note",
        required=False,
    )
