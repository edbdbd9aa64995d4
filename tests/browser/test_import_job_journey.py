"""A programme manager uploads a file of offline consultation responses in Chromium: the file is
imported by a background job whose page says what was imported and links to the responses; a file
with a bad row ends on a page naming the row and column, with nothing imported."""

from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.consultations.models import Response
from apps.consultations.tests.conftest import make_consultation  # noqa: F401 (fixture)
from apps.consultations.tests.test_import import rows, write_csv


def test_upload_runs_as_a_job_that_reports_its_outcome(
    page,
    sign_in,
    make_user,
    make_consultation,  # noqa: F811 (the fixture imported above)
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    consultation = make_consultation(opens=-40, closes=-5)
    make_user(role=Role.PROGRAMME_MANAGER, username="priya")
    sign_in(page, "priya")

    bad = write_csv(tmp_path, rows(consultation, {"row": 3, "column": "Q1", "value": "Sort of"}))
    page.goto(f"/consultations/{consultation.slug}/manage/responses/import/")
    page.get_by_label("CSV or XLSX file of offline responses").set_input_files(str(bad))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("h1")).to_have_text("Import of offline responses")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "offline.csv, row 3, column 'q1': 'Sort of' is not an option"
    )
    expect(page.locator(".govuk-error-summary")).to_contain_text("Nothing was imported")
    assert Response.objects.count() == 0

    good = write_csv(tmp_path, rows(consultation))
    page.goto(f"/consultations/{consultation.slug}/manage/responses/import/")
    page.get_by_label("CSV or XLSX file of offline responses").set_input_files(str(good))
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Imported offline.csv: 3 responses imported, 1 late (kept, flagged)"
    )
    page.get_by_role("link", name="See the result").click()
    expect(page.get_by_text("POST-001")).to_be_visible()
    assert Response.objects.filter(consultation=consultation).count() == 3


def test_the_job_page_follows_a_queued_import_to_its_end_without_reloading(
    page,
    sign_in,
    make_user,
    make_consultation,  # noqa: F811 (the fixture imported above)
    settings,
    tmp_path,
):
    from django.core.management import call_command

    from apps.jobs.models import Job

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    consultation = make_consultation(opens=-40, closes=-5)
    make_user(role=Role.PROGRAMME_MANAGER, username="priya")
    sign_in(page, "priya")
    page.goto(f"/consultations/{consultation.slug}/manage/responses/import/")
    page.get_by_label("CSV or XLSX file of offline responses").set_input_files(
        str(write_csv(tmp_path, rows(consultation)))
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.locator("#job-detail")).to_contain_text("Queued")
    expect(page.locator("#job-detail progress")).to_be_visible()
    Job.objects.get().report(40, "Checked 2 of about 4")  # as the import reports its progress
    expect(page.locator("#job-detail")).to_contain_text("40% Checked 2 of about 4")
    call_command("db_worker", "--batch", "--no-reload", "--interval", "0.1")  # the real worker
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Imported offline.csv: 3 responses imported"
    )
    expect(page.locator("#job-detail progress")).to_have_count(0)
