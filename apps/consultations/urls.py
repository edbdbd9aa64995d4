from django.urls import path

from apps.consultations.views import analyst, managing, public

app_name = "consultations"
urlpatterns = [
    path("", public.index, name="index"),
    path("respond/<str:token>/", public.resume, name="resume"),
    path("saved/<str:token>/", public.saved, name="saved"),
    path("confirmation/<str:token>/", public.confirmation, name="confirmation"),
    path("jobs/<int:pk>/", analyst.job_status, name="job"),
    path("contacts/", managing.contacts, name="contacts"),
    path("new/", managing.consultation_new, name="new"),
    path("<slug:slug>/", public.detail, name="detail"),
    path("<slug:slug>/paper/<int:version>/", public.paper_version, name="paper"),
    path("<slug:slug>/paper/<int:version>/download/", public.paper_download, name="paper_download"),
    path("<slug:slug>/respond/", public.respond, name="respond"),
    path("<slug:slug>/what-we-heard/", public.what_we_heard, name="what_we_heard"),
    path(
        "<slug:slug>/what-we-heard.pdf",
        public.what_we_heard,
        {"fmt": "pdf"},
        name="what_we_heard_pdf",
    ),
    path(
        "<slug:slug>/what-we-heard.docx",
        public.what_we_heard,
        {"fmt": "docx"},
        name="what_we_heard_docx",
    ),
    path(
        "<slug:slug>/published-responses/", public.published_responses, name="published_responses"
    ),
    path("<slug:slug>/framework/", public.framework, name="framework"),
    path("<slug:slug>/manage/", managing.manage, name="manage"),
    path("<slug:slug>/manage/issue/", managing.issue, name="issue"),
    path("<slug:slug>/manage/publish/", managing.publish, name="publish"),
    path("<slug:slug>/manage/questions/", managing.questions, name="questions"),
    path("<slug:slug>/manage/paper/new/", managing.paper_new, name="paper_new"),
    path("<slug:slug>/manage/responses/", managing.responses, name="responses"),
    path("<slug:slug>/manage/responses/new/", managing.staff_entry, name="staff_entry"),
    path("<slug:slug>/manage/responses/import/", managing.import_responses, name="import"),
    path(
        "<slug:slug>/manage/responses.csv",
        managing.export_responses,
        {"fmt": "csv"},
        name="export_csv",
    ),
    path(
        "<slug:slug>/manage/responses.xlsx",
        managing.export_responses,
        {"fmt": "xlsx"},
        name="export_xlsx",
    ),
    path(
        "<slug:slug>/manage/responses/<str:reference>/", managing.response_detail, name="response"
    ),
    path("<slug:slug>/manage/meetings/", managing.meetings, name="meetings"),
    path("<slug:slug>/manage/meetings/<int:pk>/", managing.meeting, name="meeting"),
    path("<slug:slug>/analysis/", analyst.analysis, name="analysis"),
    path("<slug:slug>/analysis/q<int:number>/", analyst.question_themes, name="themes"),
    path("<slug:slug>/analysis/q<int:number>/action/", analyst.theme_action, name="theme_action"),
    path(
        "<slug:slug>/analysis/q<int:number>/themes/<int:pk>/", analyst.theme_edit, name="theme_edit"
    ),
    path(
        "<slug:slug>/analysis/q<int:number>/themes/<int:pk>/answers/",
        analyst.theme_answers,
        name="theme_answers",
    ),
    path("<slug:slug>/analysis/q<int:number>/code/", analyst.code_next, name="code"),
]
