"""Forms for drafting and editing board papers (GOV.UK markup via includes/field.html)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.reports.models import Classification, Purpose
from apps.reports.papers import templates


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DraftForm(forms.Form):
    template = forms.ChoiceField(label="Template")
    meeting_date = forms.DateField(label="Meeting date", widget=DateInput)
    item_number = forms.CharField(label="Agenda item number", max_length=10)
    as_at = forms.DateField(
        label="Figures as at",
        widget=DateInput,
        help_text="The paper shows the data as it stood at the end of this day",
    )
    purpose = forms.ChoiceField(label="Purpose", choices=Purpose.choices)
    classification = forms.ChoiceField(label="Classification", choices=Classification.choices)
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="Left blank, the template's title is used",
    )
    contact_officer = forms.ModelChoiceField(
        label="Contact officer",
        queryset=User.objects.none(),
        help_text="Their name, job title, phone and email from their profile are printed",
    )
    consultation = forms.ChoiceField(
        label="Consultation (for 'what we heard')", required=False, choices=[]
    )

    def __init__(self, *args, user=None, **kwargs):
        from apps.consultations.models import Consultation

        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(k, t.label) for k, t in templates().items()]
        staff = User.objects.filter(
            is_active=True, role__in=[Role.PROGRAMME_MANAGER, Role.REGIONAL_ASSOCIATE, Role.ADMIN]
        ).order_by("last_name", "first_name")
        self.fields["contact_officer"].queryset = staff
        self.fields["contact_officer"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username}" + (f", {u.job_title}" if u.job_title else "")
        )
        self.fields["consultation"].choices = [("", "Not applicable")] + [
            (c.slug, c.title) for c in Consultation.objects.order_by("-closes_on")
        ]
        if not self.is_bound:
            self.initial.setdefault("contact_officer", user.pk if user else None)
            self.initial.setdefault("as_at", timezone.localdate())
            self.initial.setdefault("template", next(iter(templates())))

    def clean(self):
        data = super().clean()
        if data.get("template") == "consultation" and not data.get("consultation"):
            self.add_error("consultation", "Choose the consultation this paper reports on.")
        return data


class ProseForm(forms.Form):
    summary = forms.CharField(
        label="Summary", widget=forms.Textarea, help_text="One paragraph per line"
    )
    recommendations = forms.CharField(
        label="Recommendations",
        widget=forms.Textarea,
        required=False,
        help_text="One recommendation per line; they are numbered in the paper",
    )
    background = forms.CharField(
        label="Background",
        widget=forms.Textarea,
        required=False,
        help_text="One paragraph per line; the figures follow it",
    )
    financial_implications = forms.CharField(label="Financial implications", widget=forms.Textarea)
    implications_for_wales = forms.CharField(label="Implications for Wales", widget=forms.Textarea)
