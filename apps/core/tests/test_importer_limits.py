"""The command-line readers (apps.core.importers: sniff, read_csv_rows, SheetBook) refuse a file
past the same limits as web uploads, naming the file and how an operator allows more; an
operator allows more for one run with --max-bytes/--max-rows/--max-columns."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import CommandError, call_command

from apps.core import uploads
from apps.core.importers import ImportProblem, SheetBook, read_csv_rows, sniff
from apps.core.tests import xlsx_fakes


def refusal(call) -> str:
    with pytest.raises(ImportProblem) as caught:
        call()
    return str(caught.value)


def csv_file(path, rows: int, columns: int = 2, cell: str = "x"):
    header = ",".join(["peer_id"] + [f"c{n}" for n in range(1, columns)])
    body = "".join(",".join([f"P{r}"] + [cell] * (columns - 1)) + "\n" for r in range(rows))
    path.write_text(header + "\n" + body)
    return path


def test_a_csv_over_the_row_limit_is_refused_naming_the_file_and_the_override(tmp_path, settings):
    settings.IMPORT_LIMITS = {"max_rows": 100}
    path = csv_file(tmp_path / "register.csv", 150)
    message = refusal(lambda: list(read_csv_rows(path, ["peer_id"])))
    assert message.startswith("register.csv: more than 100 rows of data: split the file; ")
    assert "--max-rows (or NLB_IMPORT_MAX_ROWS)" in message
    with uploads.allowing(max_rows=1000):
        assert len(list(read_csv_rows(path, ["peer_id"]))) == 150
    assert uploads.file_limits().max_rows == 100  # the allowance ended with its block


def test_the_web_limits_apply_by_default_bytes_and_columns(tmp_path):
    wide = csv_file(tmp_path / "wide.csv", 3, columns=201)
    assert "wide.csv, row 1: more than 200 columns; " in refusal(
        lambda: list(read_csv_rows(wide, ["peer_id"]))
    )
    big = tmp_path / "big.csv"
    big.write_bytes(b"peer_id\n" + b"P1234567\n" * 1_200_000)  # 10.3 MB
    message = refusal(lambda: sniff(big))
    assert message.startswith("big.csv: the file is 10.3 MB; the limit is 10.0 MB; ")
    assert "--max-bytes" in message


def test_a_nul_character_in_a_csv_is_refused_naming_row_and_column(tmp_path):
    path = tmp_path / "nul.csv"
    good = b"".join(b"P%d,Ann\n" % n for n in range(1000))  # past the 8 KB sniff reads
    path.write_bytes(b"peer_id,name\n" + good + b"P2,B\x00b\n")
    assert "nul.csv, row 1002, column 'B': the cell contains a NUL character" in refusal(
        lambda: list(read_csv_rows(path, ["peer_id"]))
    )


def test_a_workbook_declaring_the_whole_grid_is_refused_before_it_is_read(tmp_path):
    path = xlsx_fakes.declaring(tmp_path / "grid.xlsx", "A1:XFD1048576")
    started = time.perf_counter()
    message = refusal(lambda: SheetBook(path))
    assert time.perf_counter() - started < 5  # generous: the point is it is not read
    assert "grid.xlsx, sheet 'Sheet': the sheet has 1,048,576 rows (it declares A1:XFD1048576)" in (
        message
    )
    assert "--max-rows" in message


def test_a_workbook_that_hides_its_size_is_refused_by_its_rows(tmp_path, settings):
    settings.IMPORT_LIMITS = {"max_rows": 1000}
    path = xlsx_fakes.many_rows(tmp_path / "liar.xlsx", 1500, declare=False)
    assert "liar.xlsx, sheet 'Sheet': more than 1,000 rows of data" in refusal(
        lambda: SheetBook(path)
    )


def test_official_workbooks_state_what_they_need_and_no_more(tmp_path):
    """An RS workbook has up to 257 columns: the indicators' reader allows it, the general one
    does not, and neither allows a sheet beyond the row limit."""
    from apps.indicators.importers.common import Workbook

    rs_like = xlsx_fakes.declaring(tmp_path / "rs.xlsx", "A1:IW480")
    assert "the sheet has 257 columns (it declares A1:IW480); the limit is 200" in refusal(
        lambda: SheetBook(rs_like)
    )
    assert Workbook(rs_like).sheet_names == ["Sheet"]
    huge = xlsx_fakes.declaring(tmp_path / "huge.xlsx", "A1:IW900000")
    assert "900,000 rows" in refusal(lambda: Workbook(huge))


@pytest.mark.django_db
def test_an_operator_allows_a_larger_file_for_one_run(tmp_path, settings, councils_loaded):
    from apps.peers.models import Peer

    settings.IMPORT_LIMITS = {"max_rows": 50}
    path = tmp_path / "peers.csv"
    rows = "".join(
        f"NEW{n},officer,finance,,finance,E06000039,,South East,20,2030-01-01\n" for n in range(60)
    )
    path.write_text(
        "peer_id,kind,role,party,expertise,home_council_gss,former_council_gss,region,"
        "max_days,accredited_until\n" + rows
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_peers", str(path), stdout=io.StringIO())
    assert "Import refused, nothing changed. peers.csv: more than 50 rows of data" in str(
        refused.value
    )
    assert not Peer.objects.filter(peer_ref__startswith="NEW").exists()
    out = io.StringIO()
    call_command("import_peers", str(path), "--max-rows", "100", stdout=out)
    assert Peer.objects.filter(peer_ref__startswith="NEW").count() == 60


def test_a_cell_over_the_csv_field_limit_is_named_not_a_traceback(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("peer_id,notes\nP1,short\nP2," + "y" * 200_000 + "\n")
    assert "long.csv, row 3: a cell is longer than 131,072 characters" in refusal(
        lambda: list(read_csv_rows(path, ["peer_id"]))
    )


@pytest.mark.parametrize(
    "record, index",
    [
        ('a,"b\r\nc",' + "y" * 140_000, 2),  # a quoted line break stays in its cell
        ('"x ""quoted"", y",' + '"' + "y" * 140_000 + '"', 1),  # "" is a quote, not an end
        ('"a"b,' + "y" * 140_000, 1),  # after a closing quote the cell reads on
        ("a," + "y" * 131_072 + "\nb," + "y" * 140_000, None),  # exactly the limit is allowed
    ],
)
def test_the_long_cell_is_found_where_the_csv_module_stops(tmp_path, record, index):
    path = tmp_path / "long.csv"
    path.write_text("h1,h2,h3\r\n" + record + "\r\n", newline="")
    assert uploads.long_cell_index(path, "utf-8-sig", after_line=1) == index
