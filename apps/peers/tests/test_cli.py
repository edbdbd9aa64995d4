"""The CLI contract: CSVs in, TEAMS.csv out, one summary line; bad rows refused by row, column."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

HEADER = (
    "peer_id,kind,role,party,expertise,home_council_gss,former_council_gss,region,max_days,"
    "accredited_until\n"
)
PEERS = (
    HEADER
    + """CE1,officer,chief_executive,,leadership,E06000039,,South East,20,2028-01-01
LAB1,member,,Lab,governance,E06000039,,South East,20,2028-01-01
FIN1,officer,finance,,finance;commercial,E06000039,E07000108,South East,20,2028-01-01
FIN2,officer,finance,,finance,E07000114,,South East,20,2028-01-01
OTH1,officer,other,,housing,E06000039,,South East,20,2028-01-01
"""
)
ENG = """engagement_id,council_gss,region,ruling_party,start_date,days,team_size,needs
E1,E07000108,South East,Lab,2026-03-02,5,3,finance;housing
"""


def run(tmp_path, peers=PEERS, eng=ENG):
    (tmp_path / "peers.csv").write_text(peers)
    (tmp_path / "eng.csv").write_text(eng)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "build_teams",
        peers=tmp_path / "peers.csv",
        engagements=tmp_path / "eng.csv",
        out=tmp_path / "teams.csv",
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_builds_teams_and_prints_one_summary_line(tmp_path):
    out, _ = run(tmp_path)
    lines = out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("needs_covered=1 needs_total=2 status=OPTIMAL seconds=")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "teams.csv").read_text())))
    assert [r["lead"] for r in rows] == ["officer", "member", ""]
    # FIN1 used to serve Dover; FIN2 serves Thanet, Dover's neighbour district in Kent (the
    # register is loaded in tests), so neither may sit on the team and finance goes uncovered.
    assert {r["peer_id"] for r in rows} == {"CE1", "LAB1", "OTH1"}


@pytest.mark.django_db
def test_blocked_engagement_is_explained_on_stderr(tmp_path):
    out, err = run(tmp_path, eng=ENG.replace(",Lab,", ",LD,"))
    assert "No Liberal Democrat member peer is on the register" in err
    assert "[political_balance.lead_member_party]" in err
    assert "status=INFEASIBLE" in out


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        (PEERS.replace("CE1,officer", "CE1,officr"), "peers.csv, row 2, column 'kind'"),
        (PEERS.replace("chief_executive", "boss"), "peers.csv, row 2, column 'role'"),
        (PEERS.replace("member,,Lab", "member,,"), "peers.csv, row 3, column 'party'"),
        (
            PEERS.replace("20,2028-01-01\nOTH1", "twenty,2028-01-01\nOTH1"),
            "peers.csv, row 5, column 'max_days'",
        ),
        (
            PEERS.replace("2028-01-01\nLAB1", "01/01/2028\nLAB1"),
            "peers.csv, row 2, column 'accredited_until'",
        ),
        (PEERS.replace("E07000108", "Dover"), "peers.csv, row 4, column 'former_council_gss'"),
        (PEERS.replace("FIN2,", "FIN1,"), "peers.csv, row 5, column 'peer_id'"),
        (PEERS.replace(",max_days", ",days"), "peers.csv, row 1"),
    ],
)
@pytest.mark.django_db
def test_peer_schema_errors_name_row_and_column(tmp_path, broken, where):
    with pytest.raises(CommandError) as info:
        run(tmp_path, peers=broken)
    assert where in str(info.value)
    assert "nothing written" in str(info.value)
    assert not (tmp_path / "teams.csv").exists()


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        (ENG.replace("E07000108", "E0710"), "column 'council_gss'"),
        (ENG.replace("2026-03-02", "2026-13-02"), "column 'start_date'"),
        (ENG.replace(",5,3,", ",0,3,"), "column 'days'"),
        (ENG.replace(",5,3,", ",5,40,"), "column 'team_size'"),
        (ENG.replace("finance;housing", "finance;hous!ng"), "column 'needs'"),
        (ENG.replace(",Lab,", ",,"), "column 'ruling_party'"),
    ],
)
@pytest.mark.django_db
def test_engagement_schema_errors_name_row_and_column(tmp_path, broken, where):
    (tmp_path / "teams.csv").write_text("keep me")
    with pytest.raises(CommandError) as info:
        run(tmp_path, eng=broken)
    assert f"eng.csv, row 2, {where}" in str(info.value)
    assert (tmp_path / "teams.csv").read_text() == "keep me"


@pytest.mark.django_db
def test_every_bad_row_is_reported_not_just_the_first(tmp_path):
    broken = PEERS.replace("CE1,officer", "CE1,x").replace("OTH1,officer", "OTH1,y")
    with pytest.raises(CommandError) as info:
        run(tmp_path, peers=broken)
    assert "row 2, column 'kind'" in str(info.value)
    assert "row 6, column 'kind'" in str(info.value)


@pytest.mark.django_db
def test_generated_register_runs_through_the_cli(tmp_path):
    call_command(
        "generate_peers",
        count=120,
        seed=2,
        csv=tmp_path / "peers.csv",
        as_of=dt.date(2026, 1, 1),
        stdout=io.StringIO(),
    )
    eng = (
        "engagement_id,council_gss,region,ruling_party,start_date,days,team_size,needs\n"
        "A,E08000025,West Midlands,Lab,2026-02-02,5,5,finance;childrens\n"
        "B,E10000016,South East,Con,2026-02-03,4,4,governance\n"
    )
    (tmp_path / "eng.csv").write_text(eng)
    out = io.StringIO()
    call_command(
        "build_teams",
        peers=tmp_path / "peers.csv",
        engagements=tmp_path / "eng.csv",
        out=tmp_path / "teams.csv",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "teams=2/2" in out.getvalue()
    rows = list(csv.DictReader(io.StringIO((tmp_path / "teams.csv").read_text())))
    assert len(rows) == 9
    assert sorted(r["lead"] for r in rows if r["engagement_id"] == "A") == [
        "",
        "",
        "",
        "member",
        "officer",
    ]


@pytest.mark.django_db
def test_without_the_councils_register_county_conflicts_are_skipped_and_said_so(tmp_path):
    from apps.councils.models import Council

    Council.objects.all().delete()  # rolled back after the test
    out, err = run(tmp_path, eng=ENG.replace(",5,3,", ",5,4,"))
    assert "Same-county-area conflicts were not checked" in err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "teams.csv").read_text())))
    # FIN2 serves Thanet, in Kent like Dover: without the register nobody can tell.
    assert "FIN2" in {r["peer_id"] for r in rows}
    assert "needs_covered=2" in out


@pytest.mark.django_db
def test_a_file_that_is_not_utf8_is_refused_by_name(tmp_path):
    (tmp_path / "peers.csv").write_bytes(PEERS.replace("Test", "Tést").encode("utf-16"))
    (tmp_path / "eng.csv").write_text(ENG)
    with pytest.raises(CommandError) as info:
        call_command(
            "build_teams",
            peers=tmp_path / "peers.csv",
            engagements=tmp_path / "eng.csv",
            out=tmp_path / "teams.csv",
        )
    assert "peers.csv" in str(info.value) and "UTF-8" in str(info.value)
