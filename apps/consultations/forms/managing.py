"""Forms for staff managing a consultation."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from django import forms
from django.db.models import Q
from django.utils import timezone

from apps.consultations.forms.public import ResponseForm
from apps.consultations.models import (
    Channel,
    Consultation,
    Question,
    QuestionKind,
    RegionalMeeting,
    StakeholderGroup,
    start_of_day_london,
)
from apps.councils.models import REGIONS


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

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            check_paper_file(upload)
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("body") and not data.get("upload"):
            raise forms.ValidationError("Give the paper's text or upload it")
        return data


PAPER_MAX_BYTES = 25 * 1024 * 1024


def check_paper_file(upload) -> None:
    """A paper is a PDF or a Word document by its content, not its name: anything else could be
    served to the public from our address."""
    name = upload.name
    if upload.size > PAPER_MAX_BYTES:
        raise forms.ValidationError(
            f"{name} is {upload.size / 1024 / 1024:.0f} MB; a paper can be at most "
            f"{PAPER_MAX_BYTES // 1024 // 1024} MB"
        )
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                if "word/document.xml" in archive.namelist():
                    return
        except zipfile.BadZipFile:
            pass
        finally:
            upload.seek(0)
    raise forms.ValidationError(
        f"{name} is not a PDF or a Word document (.docx): upload the paper in one of those formats"
    )


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
