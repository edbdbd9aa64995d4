"""Offline responses from CSV and XLSX: a bad row refuses the whole file, naming row and column."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook

from apps.accounts.models import Role
from apps.consultations.models import Channel, Response
from apps.consultations.services.importing import OfflineResponseImporter, progress_step
from apps.core.importers import ImportProblem

pytestmark = pytest.mark.django_db

HEADER = [
    "Received",
    "Reference",
    "Respondent type",
    "Organisation",
    "Group",
    "Consent to publish",
    "Q1",
    "Q2",
    "Q3",
    "Q3 text",
    "Q5",
]


def rows(consultation, bad: dict | None = None):
    day = consultation.opens_on + dt.timedelta(days=1)
    good = [
        [
            day.strftime("%d/%m/%Y"),
            "POST-001",
            "organisation",
            "Anytown Council",
            "Council leaders",
            "yes",
            "Agree",
            "Trust; Clarity",
            "Partly",
            "Roles overlap.",
            "Keep peers.",
        ],
        [
            day.isoformat(),
            "POST-002",
            "individual",
            "",
            "",
            "no",
            "Strongly disagree",
            "",
            "No",
            "",
            "Too much inspection.",
        ],
        [
            (consultation.closes_on + dt.timedelta(days=2)).strftime("%d/%m/%Y"),
            "POST-003",
            "individual",
            "",
            "",
            "",
            "",
            "Early warning",
            "",
            "",
            "Late letter.",
        ],
    ]
    if bad:
        good[bad["row"] - 2][HEADER.index(bad["column"])] = bad["value"]
    return good


def write_csv(tmp_path, data, header=HEADER):
    import csv

    path = tmp_path / "offline.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(data)
    return path


def write_xlsx(tmp_path, data, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.title = "Responses"
    sheet.append(header)
    for row in data:
        sheet.append(row)
    path = tmp_path / "offline.xlsx"
    book.save(path)
    return path


@pytest.fixture
def closed(make_consultation):
    return make_consultation(opens=-40, closes=-5)


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_good_file_imports_every_row_and_flags_late(tmp_path, closed, writer):
    path = writer(tmp_path, rows(closed))
    counts = OfflineResponseImporter(path, closed).run()
    assert counts["responses imported"] == 3
    assert counts["late (kept, flagged)"] == 1
    late = Response.objects.get(reference="POST-003")
    assert late.is_late and late.channel == Channel.OFFLINE_IMPORT
    org = Response.objects.get(reference="POST-001")
    assert org.group == "council_leaders" and org.consent_to_publish
    assert org.answers.get(question__number=2).choices == ["Trust", "Clarity"]
    assert org.answers.get(question__number=3).text == "Roles overlap."
    # Importing the same file again changes nothing.
    again = OfflineResponseImporter(path, closed).run()
    assert again["responses imported"] == 0 and again["already imported (skipped)"] == 3
    assert Response.objects.count() == 3


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
@pytest.mark.parametrize(
    "bad, column, words",
    [
        ({"row": 3, "column": "Q1", "value": "Mostly agree"}, "q1", "not an option"),
        ({"row": 4, "column": "Received", "value": "31/02/2026"}, "received", "not a date"),
        (
            {"row": 3, "column": "Received", "value": "0001-01-01"},
            "received",
            "before the consultation opened",
        ),
        ({"row": 2, "column": "Group", "value": "Bishops"}, "group", "not a stakeholder group"),
        ({"row": 3, "column": "Q2", "value": "Trust; Cake"}, "q2", "not an option"),
        (
            {"row": 2, "column": "Consent to publish", "value": "maybe"},
            "consent to publish",
            "yes or no",
        ),
    ],
)
def test_bad_row_refuses_file_naming_row_and_column(tmp_path, closed, writer, bad, column, words):
    path = writer(tmp_path, rows(closed, bad))
    with pytest.raises(ImportProblem) as caught:
        OfflineResponseImporter(path, closed).run()
    problem = caught.value
    assert problem.row == bad["row"]
    assert problem.column == column
    assert words in problem.message
    assert f"row {bad['row']}" in str(problem) and column in str(problem)
    if writer is write_xlsx:
        assert problem.sheet == "Responses"
    assert Response.objects.count() == 0


def test_unknown_question_column_is_refused(tmp_path, closed):
    path = write_csv(tmp_path, [r + ["x"] for r in rows(closed)], header=HEADER + ["Q9"])
    with pytest.raises(ImportProblem) as caught:
        OfflineResponseImporter(path, closed).run()
    assert caught.value.column == "q9" and caught.value.row == 1
    assert Response.objects.count() == 0


def test_missing_received_column_is_refused(tmp_path, closed):
    header = ["Q1"]
    path = write_csv(tmp_path, [["Agree"]], header=header)
    with pytest.raises(ImportProblem, match="received"):
        OfflineResponseImporter(path, closed).run()


def test_command_refuses_bad_file_and_imports_good_one(tmp_path, closed):
    from django.core.management import CommandError, call_command

    bad = write_csv(tmp_path, rows(closed, {"row": 4, "column": "Q1", "value": "Sort of"}))
    with pytest.raises(CommandError, match=r"row 4, column 'q1'"):
        call_command("import_consultation_responses", closed.slug, str(bad))
    assert Response.objects.count() == 0
    call_command(
        "import_consultation_responses", closed.slug, str(write_xlsx(tmp_path, rows(closed)))
    )
    assert Response.objects.count() == 3


def test_export_csv_and_xlsx(client, tmp_path, closed, make_user):
    import csv as _csv
    import io

    from openpyxl import load_workbook

    OfflineResponseImporter(write_csv(tmp_path, rows(closed)), closed).run()
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    text = client.get(reverse("consultations:export_csv", args=[closed.slug])).content
    table = list(_csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(table) == 3
    late = next(r for r in table if r["reference"] == "POST-003")
    assert late["late"] == "yes" and late["Q5"] == "Late letter."
    xlsx = client.get(reverse("consultations:export_xlsx", args=[closed.slug])).content
    sheet = load_workbook(io.BytesIO(xlsx))["Responses"]
    assert sheet.max_row == 4 and sheet["A1"].value == "reference"


def _unreferenced(consultation, texts: list[str]) -> list[list[str]]:
    """Rows without a reference, one per text (same date and respondent type)."""
    day = (consultation.opens_on + dt.timedelta(days=3)).isoformat()
    return [[day, "", "individual", "", "", "no", "", "", "", "", t] for t in texts]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_identical_rows_are_all_kept_but_a_reimport_skips_them(tmp_path, closed, writer):
    """Issue 14.8: identical rows without a reference are campaign copies (all kept); importing
    the same file again, or a later export holding more rows, adds only the new rows."""
    copy = "Keep peers at the heart of sector-led help."
    first = writer(tmp_path, _unreferenced(closed, [copy, copy, copy, "Fund districts."]))
    counts = OfflineResponseImporter(first, closed).run()
    assert counts["responses imported"] == 4
    assert Response.objects.filter(answers__text=copy).count() == 3
    stored = list(Response.objects.values("reference", "token_hash", "created", "channel"))
    assert len({r["reference"] for r in stored}) == len({r["token_hash"] for r in stored}) == 4
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", r["reference"]) for r in stored)
    assert all(r["created"] and r["channel"] == Channel.OFFLINE_IMPORT for r in stored)

    again = OfflineResponseImporter(first, closed).run()
    assert again["responses imported"] == 0 and again["already imported (skipped)"] == 4
    assert Response.objects.count() == 4

    # a superset re-export, in another order: two more copies and one new answer
    superset = _unreferenced(closed, ["Too much inspection.", copy, copy, "Fund districts."])
    superset += _unreferenced(closed, [copy, copy, copy])
    later = writer(tmp_path, superset)
    counts = OfflineResponseImporter(later, closed).run()
    assert counts["responses imported"] == 3 and counts["already imported (skipped)"] == 4
    assert Response.objects.filter(answers__text=copy).count() == 5
    assert Response.objects.filter(answers__text="Fund districts.").count() == 1


def test_rows_differing_in_any_field_are_not_taken_for_an_earlier_import(tmp_path, closed):
    OfflineResponseImporter(
        write_csv(tmp_path, _unreferenced(closed, ["Same words."])), closed
    ).run()
    other_day = _unreferenced(closed, ["Same words."])
    other_day[0][0] = (closed.opens_on + dt.timedelta(days=4)).isoformat()
    counts = OfflineResponseImporter(write_csv(tmp_path, other_day), closed).run()
    assert counts["responses imported"] == 1 and counts["already imported (skipped)"] == 0


def test_row_keys_count_occurrences_across_merges():
    from apps.consultations.services.importing import RowKeys

    keys = RowKeys()
    keys.MERGE_AT = 3  # merge often: counts must survive the sorted-array merge
    sightings = [5, 7, 5, 2**64 - 1, 9, 5, 7, 2**64 - 1, 11, 5]
    seen = [keys.seen(h) for h in sightings]
    assert seen == [0, 0, 1, 0, 0, 2, 1, 1, 0, 3]


def test_bad_row_after_many_good_ones_leaves_nothing_stored(tmp_path, closed):
    """Rows are inserted as they stream in; a problem near the end still rolls back them all."""
    from apps.consultations.services.importing import BATCH

    data = _unreferenced(closed, [f"Answer number {i}." for i in range(BATCH * 2 + 5)])
    data[-2][0] = "31/02/2026"
    path = write_csv(tmp_path, data)
    with pytest.raises(ImportProblem) as caught:
        OfflineResponseImporter(path, closed).run()
    assert caught.value.row == len(data) and caught.value.column == "received"
    assert "offline.csv" in str(caught.value)
    assert Response.objects.count() == 0


def test_fresh_references_never_reuse_a_stored_or_given_one(closed, monkeypatch):
    """A million responses make a random clash of 8-character references likely: each new one is
    checked against those stored (and those the file gives)."""
    from apps.consultations.services import importing

    Response.objects.create(consultation=closed, reference="AAAA-AAAA")
    draws = iter(["AAAA-AAAA", "BBBB-BBBB", "BBBB-BBBB", "CCCC-CCCC", "DDDD-DDDD", "EEEE-EEEE"])
    monkeypatch.setattr(importing, "new_reference", lambda: next(draws))
    fresh = importing._fresh_references(2, avoid={"CCCC-CCCC"})
    assert sorted(fresh) == ["BBBB-BBBB", "DDDD-DDDD"]


def test_an_import_not_followed_by_grouping_leaves_answers_to_be_grouped_later(tmp_path, closed):
    from django.core.management import call_command

    from apps.consultations.models import Answer
    from apps.consultations.services import campaigns

    template = "We the undersigned insist that small district councils receive funded support now."
    path = write_csv(tmp_path, _unreferenced(closed, [template] * 6))
    call_command("import_consultation_responses", closed.slug, str(path), "--no-prepare")
    assert not Answer.objects.filter(text_key__isnull=False).exists()
    groups = campaigns.campaign_groups(closed)  # a page view groups the few waiting answers
    assert [(g.size, g.question.number) for g in groups] == [(6, 5)]
    call_command("import_consultation_responses", closed.slug, str(path))  # grouped straight away
    assert Answer.objects.filter(text_key__isnull=True, question__number=5).count() == 0


def test_awkward_text_and_choices_are_stored_exactly(tmp_path, closed):
    """Bulk insertion (COPY on PostgreSQL) keeps tabs, new lines, backslashes and quotes."""
    text = 'Line one\tTabbed\nLine two \\N "quoted" it\'s ; semi'
    row = _unreferenced(closed, [text])[0]
    row[HEADER.index("Q2")] = "Trust; Early warning"
    OfflineResponseImporter(write_csv(tmp_path, [row]), closed).run()
    answer = Response.objects.get().answers.get(question__number=5)
    assert answer.text == text.strip()
    chosen = Response.objects.get().answers.get(question__number=2).choices
    assert chosen == ["Trust", "Early warning"]


def test_a_large_import_refreshes_statistics_on_postgresql(tmp_path, closed, monkeypatch):
    from apps.consultations.services import importing

    monkeypatch.setattr(importing, "ANALYZE_FROM", 1)  # (runs the ANALYZE on PostgreSQL)
    path = write_csv(tmp_path, _unreferenced(closed, ["One.", "Two."]))
    assert OfflineResponseImporter(path, closed).run()["responses imported"] == 2


def test_a_cell_over_the_csv_size_limit_is_refused_by_row_and_column(tmp_path, closed):
    """The csv module names neither; a long answer after a quoted multi-line one is still found."""
    data = rows(closed)
    data[0][HEADER.index("Q3 text")] = 'Two lines,\nand "quotes".'
    data[1][HEADER.index("Q5")] = "y" * 200_000
    with pytest.raises(ImportProblem) as caught:
        OfflineResponseImporter(write_csv(tmp_path, data), closed).run()
    assert (caught.value.row, caught.value.column) == (3, "q5")
    assert "a cell is longer than 131,072 characters" in caught.value.message
    long_header = write_csv(tmp_path, [], header=[*HEADER[:2], "x" * 200_000])
    with pytest.raises(ImportProblem) as caught:
        OfflineResponseImporter(long_header, closed).run()
    assert (caught.value.row, caught.value.column) == (1, "C")


def test_progress_comes_in_steps_a_small_file_shows_too(tmp_path, closed):
    """About 50 steps a file, none under 1,000 rows: 2,500 rows report at 1,000, 2,000 and the end
    (every 50,000 rows, a file this size showed only its end)."""
    first = rows(closed)[0]
    first[HEADER.index("Reference")] = ""
    seen = []
    path = write_csv(tmp_path, [first] * 2_500)
    OfflineResponseImporter(path, closed, progress=lambda stage, n: seen.append(n)).run()
    assert seen == [1_000, 2_000, 2_500]
    assert Response.objects.count() == 2_500
    assert progress_step(60_000) == 1_200 and progress_step(1_000_000) == 20_000
