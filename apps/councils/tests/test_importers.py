"""The councils register imported from the real shipped files."""

import csv
import datetime as dt
import shutil

import pytest
from django.core.management import CommandError, call_command

from apps.councils.importers import DEFAULT_FILES, CouncilRegisterImporter
from apps.councils.models import Council, CouncilType, NearestNeighbour, PoliticalControl

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return [
        (
            *row,
            tuple(sorted(Council.objects.get(pk=row[0]).replaced_by.values_list("pk", flat=True))),
        )
        for row in Council.objects.order_by("pk").values_list(
            "pk",
            "code",
            "gss_code",
            "ecode",
            "name",
            "council_type",
            "region",
            "county_id",
            "population",
            "start_date",
            "end_date",
        )
    ] + list(
        NearestNeighbour.objects.order_by("council", "rank").values_list("council", "neighbour")
    )


def test_every_current_english_principal_council_is_there():
    current = Council.objects.current()
    assert current.count() == 317
    assert current.filter(council_type=CouncilType.LONDON_BOROUGH).count() == 32
    assert current.filter(council_type=CouncilType.METROPOLITAN_DISTRICT).count() == 36
    assert Council.objects.count() >= 300


def test_birmingham_is_a_metropolitan_district_in_the_west_midlands():
    birmingham = Council.objects.get(gss_code="E08000025")
    assert birmingham.council_type == CouncilType.METROPOLITAN_DISTRICT
    assert birmingham.region == "West Midlands"
    assert birmingham.ecode == "E4601"
    assert birmingham.population == 1140525
    assert birmingham.nearest_neighbours().count() == 15
    assert birmingham.latest_political_control().control == "Lab"


def test_northamptonshire_is_a_former_council_replaced_by_two_unitaries():
    northants = Council.objects.get(gss_code="E10000021")
    assert northants.end_date == dt.date(2021, 4, 1)
    assert not northants.is_current
    assert sorted(c.name for c in northants.replaced_by.all()) == [
        "North Northamptonshire",
        "West Northamptonshire",
    ]
    assert Council.objects.existing_on(dt.date(2018, 2, 2)).filter(pk=northants.pk).exists()
    assert not Council.objects.existing_on(dt.date(2021, 4, 1)).filter(pk=northants.pk).exists()


def test_councils_ended_on_31_march_exist_on_that_day_and_get_their_successors_region():
    poole = Council.objects.get(gss_code="E06000029")
    assert poole.end_date == dt.date(2019, 4, 1)
    assert poole.region == "South West"
    assert Council.objects.existing_on(dt.date(2019, 3, 31)).filter(pk=poole.pk).exists()


def test_districts_know_their_county():
    adur = Council.objects.get(name="Adur")
    assert adur.county.name == "West Sussex"


def test_political_control_is_a_dated_fact():
    croydon = Council.objects.get(gss_code="E09000008")
    assert croydon.political_control_on(dt.date(2019, 6, 1)).control == "Lab"
    assert croydon.political_control_on(dt.date(2022, 6, 1)) is None
    assert PoliticalControl.objects.count() == 324


def test_importing_twice_leaves_the_same_database():
    before = snapshot()
    for command in ("import_councils", "import_nearest_neighbours", "import_political_control"):
        call_command(command, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert snapshot() == before


@pytest.mark.parametrize(
    ("column", "bad_value", "message"),
    [
        ("gss-code", "X0000001", "not an English GSS code"),
        ("start-date", "2019-13-45", "not a date"),
        ("pop-2020", "lots", "not a number"),
        ("replaced-by", "ZZZ", "not an English principal council"),
    ],
)
def test_a_broken_row_is_refused_with_row_and_field_named_and_nothing_changes(
    tmp_path, column, bad_value, message
):
    source = DEFAULT_FILES[CouncilRegisterImporter]
    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
        header = list(rows[0].keys())
    croydon_index = next(i for i, r in enumerate(rows) if r["gss-code"] == "E09000008")
    rows[croydon_index][column] = bad_value
    rows[croydon_index]["nice-name"] = "Renamed Croydon"  # must not land
    broken = tmp_path / "broken.csv"
    with open(broken, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    before = snapshot()

    with pytest.raises(CommandError) as refused:
        call_command("import_councils", str(broken))

    text = str(refused.value)
    assert f"row {croydon_index + 2}" in text
    assert f"column {column!r}" in text
    assert message in text
    assert "nothing changed" in text
    assert snapshot() == before
    assert Council.objects.get(gss_code="E09000008").name == "Croydon"


def test_a_file_missing_a_column_is_refused(tmp_path):
    broken = tmp_path / "codes.csv"
    shutil.copy(DEFAULT_FILES[CouncilRegisterImporter], broken)
    # headers match whatever their punctuation ('gss_code' is 'gss-code'); a renamed one is missing
    text = broken.read_text(encoding="utf-8").replace("gss-code", "ons-area", 1)
    broken.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=r"row 1: header lacks required column\(s\): gss-code"):
        call_command("import_councils", str(broken))


def test_nearest_neighbours_refuse_an_unknown_council(tmp_path):
    broken = tmp_path / "NN.json"
    broken.write_text('{"E08000025": ["E08000025", "E99999999"]}', encoding="utf-8")
    before = snapshot()
    with pytest.raises(
        CommandError, match=r"column 'E08000025': unknown council code\(s\) E99999999"
    ):
        call_command("import_nearest_neighbours", str(broken))
    assert snapshot() == before
