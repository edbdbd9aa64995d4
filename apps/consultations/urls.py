from django.urls import path

from apps.consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("respond/<str:token>/", views.resume, name="resume"),
    path("saved/<str:token>/", views.saved, name="saved"),
    path("confirmation/<str:token>/", views.confirmation, name="confirmation"),
    path("jobs/<int:pk>/", views.job_status, name="job"),
    path("contacts/", views.contacts, name="contacts"),
    path("new/", views.consultation_new, name="new"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/paper/<int:version>/", views.paper_version, name="paper"),
    path("<slug:slug>/paper/<int:version>/download/", views.paper_download, name="paper_download"),
    path("<slug:slug>/respond/", views.respond, name="respond"),
    path("<slug:slug>/what-we-heard/", views.what_we_heard, name="what_we_heard"),
    path(
        "<slug:slug>/what-we-heard.pdf",
        views.what_we_heard,
        {"fmt": "pdf"},
        name="what_we_heard_pdf",
    ),
    path(
        "<slug:slug>/what-we-heard.docx",
        views.what_we_heard,
        {"fmt": "docx"},
        name="what_we_heard_docx",
    ),
    path("<slug:slug>/published-responses/", views.published_responses, name="published_responses"),
    path("<slug:slug>/framework/", views.framework, name="framework"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/issue/", views.issue, name="issue"),
    path("<slug:slug>/manage/publish/", views.publish, name="publish"),
    path("<slug:slug>/manage/questions/", views.questions, name="questions"),
    path("<slug:slug>/manage/paper/new/", views.paper_new, name="paper_new"),
    path("<slug:slug>/manage/responses/", views.responses, name="responses"),
    path("<slug:slug>/manage/responses/new/", views.staff_entry, name="staff_entry"),
    path("<slug:slug>/manage/responses/import/", views.import_responses, name="import"),
    path(
        "<slug:slug>/manage/responses.csv",
        views.export_responses,
        {"fmt": "csv"},
        name="export_csv",
    ),
    path(
        "<slug:slug>/manage/responses.xlsx",
        views.export_responses,
        {"fmt": "xlsx"},
        name="export_xlsx",
    ),
    path("<slug:slug>/manage/responses/<str:reference>/", views.response_detail, name="response"),
    path("<slug:slug>/manage/meetings/", views.meetings, name="meetings"),
    path("<slug:slug>/manage/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("<slug:slug>/analysis/", views.analysis, name="analysis"),
    path("<slug:slug>/analysis/q<int:number>/", views.question_themes, name="themes"),
    path("<slug:slug>/analysis/q<int:number>/action/", views.theme_action, name="theme_action"),
    path(
        "<slug:slug>/analysis/q<int:number>/themes/<int:pk>/", views.theme_edit, name="theme_edit"
    ),
    path(
        "<slug:slug>/analysis/q<int:number>/themes/<int:pk>/answers/",
        views.theme_answers,
        name="theme_answers",
    ),
    path("<slug:slug>/analysis/q<int:number>/code/", views.code_next, name="code"),
]
