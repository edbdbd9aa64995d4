"""Forms: the response form is built from the consultation's questions; staff forms are plain."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.db.models import Q
from django.utils import timezone

from apps.consultations.models import (
    Answer,
    Channel,
    Consultation,
    Question,
    QuestionKind,
    RegionalMeeting,
    RespondentType,
    Response,
    StakeholderGroup,
    start_of_day_london,
)
from apps.councils.models import REGIONS

ORGANISATION_GROUPS = [(g.value, g.label) for g in StakeholderGroup if g != "individuals"]


class ResponseForm(forms.Form):
    """About you, then one field (or two) per question. `save` skips the required checks."""

    respondent_type = forms.ChoiceField(
        label="Are you responding as an individual or on behalf of an organisation?",
        choices=RespondentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether you are responding as an individual or "
            "on behalf of an organisation"
        },
    )
    organisation = forms.CharField(
        label="Organisation name",
        max_length=200,
        required=False,
        help_text="Only if you are responding on behalf of an organisation",
    )
    group = forms.ChoiceField(
        label="Which best describes your organisation?",
        choices=[("", "Select one")] + ORGANISATION_GROUPS,
        required=False,
    )
    name = forms.CharField(label="Your name (optional)", max_length=200, required=False)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        help_text="We send your confirmation and your link to return to a saved response here",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    consent_to_publish = forms.ChoiceField(
        label="May we publish your response?",
        help_text="We remove email addresses, phone numbers and names we can detect before "
        "publishing. We will not publish your name or email address.",
        choices=[("yes", "Yes, you may publish my response"), ("no", "No, do not publish it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether we may publish your response"},
    )

    def __init__(self, *args, consultation: Consultation, saving: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.saving = saving
        self.questions = list(consultation.questions.all())
        for q in self.questions:
            if q.kind == QuestionKind.MULTIPLE:
                self.fields[f"q{q.number}"] = forms.MultipleChoiceField(
                    label=q.text,
                    help_text=q.hint or "Select all that apply",
                    choices=[(c, c) for c in q.choices],
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            elif q.has_choices:
                self.fields[f"q{q.number}"] = forms.ChoiceField(
                    label=q.text,
                    help_text=q.hint,
                    choices=[(c, c) for c in q.choices],
                    required=False,
                    widget=forms.RadioSelect,
                )
            if q.has_text:
                self.fields[f"q{q.number}_text"] = forms.CharField(
                    label=q.text if q.kind == QuestionKind.FREE_TEXT else "Tell us more (optional)",
                    help_text=q.hint if q.kind == QuestionKind.FREE_TEXT else "",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    max_length=20000,
                )
        if saving:
            for field in self.fields.values():
                field.required = False

    @classmethod
    def initial_from(cls, response: Response) -> dict:
        initial = {
            "respondent_type": response.respondent_type,
            "organisation": response.organisation,
            "group": response.group if response.group != StakeholderGroup.INDIVIDUALS else "",
            "name": response.name,
            "email": response.email,
            "consent_to_publish": "yes"
            if response.consent_to_publish
            else ("no" if response.pk and response.is_submitted else ""),
        }
        for answer in response.answers.select_related("question"):
            q = answer.question
            if q.kind == QuestionKind.MULTIPLE:
                initial[f"q{q.number}"] = answer.choices
            elif q.has_choices and answer.choices:
                initial[f"q{q.number}"] = answer.choices[0]
            if q.has_text:
                initial[f"q{q.number}_text"] = answer.text
        return initial

    def question_blocks(self) -> list[dict]:
        """Questions with their bound fields, for the template's fieldsets."""
        blocks = []
        for q in self.questions:
            blocks.append(
                {
                    "question": q,
                    "choice": self[f"q{q.number}"] if q.has_choices else None,
                    "text": self[f"q{q.number}_text"] if q.has_text else None,
                }
            )
        return blocks

    def clean(self):
        data = super().clean()
        if self.saving:
            return data
        if data.get("respondent_type") == RespondentType.ORGANISATION:
            if not data.get("organisation"):
                self.add_error("organisation", "Enter the name of the organisation you represent")
            if not data.get("group"):
                self.add_error("group", "Select which best describes your organisation")
        for q in self.questions:
            if not q.required:
                continue
            chosen = data.get(f"q{q.number}") if q.has_choices else None
            text = data.get(f"q{q.number}_text") if q.has_text else None
            if not chosen and not text:
                field = f"q{q.number}" if q.has_choices else f"q{q.number}_text"
                self.add_error(field, f"Answer question {q.number}")
        if not any(
            data.get(f"q{q.number}") or data.get(f"q{q.number}_text") for q in self.questions
        ):
            self.add_error(None, "Answer at least one question")
        return data

    def save_to(self, response: Response) -> Response:
        """Write the answers onto `response` (new or draft); answers left blank are removed."""
        data = self.cleaned_data
        response.respondent_type = data.get("respondent_type") or RespondentType.INDIVIDUAL
        if response.respondent_type == RespondentType.ORGANISATION:
            response.organisation = data.get("organisation", "")
            response.group = data.get("group") or StakeholderGroup.OTHER_ORGANISATIONS
        else:
            response.organisation = ""
            response.group = StakeholderGroup.INDIVIDUALS
        response.name = data.get("name", "")
        response.email = data.get("email", "")
        response.consent_to_publish = data.get("consent_to_publish") == "yes"
        response.save()
        for q in self.questions:
            chosen = data.get(f"q{q.number}") if q.has_choices else None
            chosen = (
                list(chosen) if isinstance(chosen, (list, tuple)) else ([chosen] if chosen else [])
            )
            text = (data.get(f"q{q.number}_text") or "").strip() if q.has_text else ""
            if chosen or text:
                Answer.objects.update_or_create(
                    response=response, question=q, defaults={"choices": chosen, "text": text}
                )
            else:
                Answer.objects.filter(response=response, question=q).delete()
        return response


class StaffResponseForm(ResponseForm):
    """Staff enter late or offline responses: any date, any channel, never refused for lateness."""

    received_on = forms.DateField(
        label="Date received",
        help_text="For example, 30/06/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Enter the date received as DD/MM/YYYY"},
    )
    channel = forms.ChoiceField(
        label="How did it reach us?",
        choices=[(Channel.STAFF, "By post, email or at a meeting (entered by staff)")],
        initial=Channel.STAFF,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].required = True
        self.fields["consent_to_publish"].required = True

    def clean_received_on(self) -> dt.date:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date received cannot be in the future")
        return day

    def received_at(self) -> dt.datetime:
        return start_of_day_london(self.cleaned_data["received_on"])


class ContactEmailForm(forms.Form):
    email = forms.EmailField()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file of offline responses",
        help_text="One row per response; see the column guide below",
    )


class IssueForm(forms.Form):
    groups = forms.MultipleChoiceField(
        label="Issue the paper to",
        choices=[(g.value, g.label) for g in StakeholderGroup if g != "individuals"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one stakeholder group"},
    )


class PaperVersionForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), required=False)
    upload = forms.FileField(required=False, help_text="Optional: the paper as a PDF or DOCX")
    published_on = forms.DateField(
        required=False, input_formats=["%d/%m/%Y", "%Y-%m-%d"], help_text="DD/MM/YYYY"
    )

    def clean(self):
        data = super().clean()
        if not data.get("body") and not data.get("upload"):
            raise forms.ValidationError("Give the paper's text or upload it")
        return data


class MeetingForm(forms.ModelForm):
    region = forms.ChoiceField(choices=[(r, r) for r in REGIONS] + [("National", "National")])
    date = forms.DateField(input_formats=["%d/%m/%Y", "%Y-%m-%d"], help_text="DD/MM/YYYY")
    councils = forms.CharField(
        label="Attending councils",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Council names or ONS codes, one per line or separated by commas",
    )

    class Meta:
        model = RegionalMeeting
        fields = ["region", "title", "date", "venue", "other_attendees", "notes"]
        widgets = {
            "other_attendees": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 5}),
        }

    def clean_councils(self) -> list:
        from apps.councils.models import Council

        found, unknown = [], []
        for item in re.split(r"[\n,;]+", self.cleaned_data.get("councils", "")):
            item = item.strip()
            if not item:
                continue
            matches = Council.objects.current().filter(
                Q(gss_code__iexact=item) | Q(name__iexact=item) | Q(official_name__iexact=item)
            )
            if matches.count() == 1:
                found.append(matches.get())
            else:
                unknown.append(item)
        if unknown:
            raise forms.ValidationError(
                "Not found as a current council (use the name or ONS code): " + ", ".join(unknown)
            )
        return found

    def save(self, commit: bool = True) -> RegionalMeeting:
        meeting = super().save(commit=commit)
        if commit:
            meeting.attending_councils.set(self.cleaned_data.get("councils", []))
        return meeting


class MeetingViewForm(forms.Form):
    question = forms.ModelChoiceField(
        queryset=Question.objects.none(), required=False, empty_label="General (no single question)"
    )
    text = forms.CharField(label="View expressed", widget=forms.Textarea(attrs={"rows": 3}))
    agrees = forms.IntegerField(min_value=0, required=False, label="Agreeing (show of hands)")
    disagrees = forms.IntegerField(min_value=0, required=False, label="Disagreeing")

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = consultation.questions.all()


class ThemeEditForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FrameworkChangeForm(forms.Form):
    theme = forms.ModelChoiceField(queryset=None, required=False, empty_label="(no single theme)")
    you_said = forms.CharField(label="You said", widget=forms.Textarea(attrs={"rows": 2}))
    we_did = forms.CharField(label="We did", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, consultation: Consultation, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.consultations.models import Theme

        self.fields["theme"].queryset = Theme.objects.filter(question__consultation=consultation)


class ConsultationForm(forms.ModelForm):
    """A new consultation (or its dates and summary): dates are London days, closing at 23:59."""

    opens_on = forms.DateField(input_formats=["%d/%m/%Y", "%Y-%m-%d"], help_text="DD/MM/YYYY")
    closes_on = forms.DateField(
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text="DD/MM/YYYY. Closes at 11:59pm London time on this day",
    )

    class Meta:
        model = Consultation
        fields = ["title", "summary", "opens_on", "closes_on", "contact_officer"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(label="Question", widget=forms.Textarea(attrs={"rows": 2}))
    hint = forms.CharField(required=False, label="Hint (optional)")
    kind = forms.ChoiceField(label="Type of answer", choices=QuestionKind.choices)
    options = forms.CharField(
        required=False,
        label="Options, one per line",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For single choice, multiple choice and choice plus free text",
    )
    required = forms.BooleanField(required=False, label="An answer is required")

    def clean(self):
        data = super().clean()
        options = [line.strip() for line in data.get("options", "").splitlines() if line.strip()]
        kind = data.get("kind")
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.CHOICE_TEXT):
            if len(options) < 2:
                self.add_error("options", "Give at least two options, one per line")
            elif len(set(o.lower() for o in options)) != len(options):
                self.add_error("options", "Each option must be different")
        else:
            options = []
        data["option_list"] = options
        return data
