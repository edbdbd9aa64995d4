"""Forms split by the actor who fills them in: `public` (the respondent), `managing` (staff),
`analyst` (themes)."""

from apps.consultations.forms.analyst import ThemeEditForm
from apps.consultations.forms.managing import (
    ConsultationForm,
    ContactEmailForm,
    FrameworkChangeForm,
    ImportForm,
    IssueForm,
    MeetingForm,
    MeetingViewForm,
    PaperVersionForm,
    QuestionForm,
    StaffResponseForm,
)
from apps.consultations.forms.public import ORGANISATION_GROUPS, ResponseForm

__all__ = [
    "ORGANISATION_GROUPS",
    "ConsultationForm",
    "ContactEmailForm",
    "FrameworkChangeForm",
    "ImportForm",
    "IssueForm",
    "MeetingForm",
    "MeetingViewForm",
    "PaperVersionForm",
    "QuestionForm",
    "ResponseForm",
    "StaffResponseForm",
    "ThemeEditForm",
]
