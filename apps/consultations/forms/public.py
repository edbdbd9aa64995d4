"""The respondent's form, built from the consultation's questions; `save` skips required checks
so a respondent can save and return."""

from __future__ import annotations

from django import forms

from apps.consultations.models import (
    Answer,
    Consultation,
    QuestionKind,
    RespondentType,
    Response,
    StakeholderGroup,
)

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
