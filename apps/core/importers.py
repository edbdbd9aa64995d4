"""The shared shape of every importer: read a file as published, validate it all, then write it in
one transaction, so a bad row leaves the database exactly as it was."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from apps.core import uploads


@dataclass
class ImportProblem(Exception):
    """A problem in an input file, located precisely enough for a person to fix it."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        where = [Path(self.file).name]
        if self.sheet:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


def column_letter(index: int) -> str:
    """0 -> A, 27 -> AB: how a spreadsheet user finds the column named in a problem."""
    return get_column_letter(index + 1)


# -- header names, compared tolerant of case, spacing and punctuation ---------------------------

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(text: Any) -> str:
    """A header name reduced to what identifies it: lower case, accents folded, '&' read as
    'and', every space and punctuation mark removed. 'E-code', 'E code' and 'ECode' all give
    'ecode'; 'Muni code' and 'MuniCode' give 'municode'; 'LA_LGF_code' gives 'lalgfcode'."""
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return _NOT_ALNUM.sub("", folded.lower().replace("&", "and"))


def find_header(cells: Iterable[Any], *names: str) -> int | None:
    """Index of the first cell whose header_key equals that of any of `names` (None if none)."""
    wanted = {header_key(name) for name in names}
    for index, cell in enumerate(cells):
        if header_key(cell) in wanted:
            return index
    return None


# -- what a file is, read from its content, never its name --------------------------------------

OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
FILE_KINDS = {
    "xlsx": "Excel workbook",
    "xls": "Excel 97-2003 workbook",
    "ods": "OpenDocument spreadsheet",
    "csv": "text (CSV) file",
}


def sniff(path: Path, limits: uploads.Limits | None = None) -> str:
    """'xlsx', 'ods', 'xls' or 'csv', from the file's first bytes (and, for a zip archive, its
    members): a workbook named .xls that holds an .xlsx is read as what it is. Anything else is
    refused with what it looks like, and so is a file over the byte limit (`limits`, default
    `uploads.file_limits()`)."""
    from apps.core import uploads

    path = Path(path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise ImportProblem(str(path), f"cannot open file ({exc.strerror})") from exc
    if not head:
        raise ImportProblem(str(path), "the file is empty")
    uploads.check_bytes(path, str(path), limits or uploads.file_limits())
    if head.startswith(OLE2_MAGIC):
        return "xls"
    if head.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "mimetype" in names:
                    mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                    if mimetype == ODS_MIMETYPE:
                        return "ods"
                    raise ImportProblem(
                        str(path), f"a zip archive of type {mimetype!r}, not a spreadsheet"
                    )
                if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                    return "xlsx"
        except zipfile.BadZipFile as exc:
            raise ImportProblem(str(path), f"a damaged zip archive ({exc})") from exc
        raise ImportProblem(str(path), "a zip archive that holds no spreadsheet")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportProblem(str(path), "text in UTF-16, not UTF-8 (save it as CSV UTF-8)")
    if b"\x00" in head:
        raise ImportProblem(
            str(path), f"not a spreadsheet or CSV file (it starts with bytes {head[:8].hex(' ')})"
        )
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"{", b"[")):
        raise ImportProblem(str(path), "a web page or data document, not a spreadsheet or CSV file")
    return "csv"


def decode_text(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without a byte-order mark), else Windows-1252, as
    government CSVs come in both."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class SheetBook:
    """A workbook (xlsx, xls or ods, told apart by content) read as cell values per sheet, within
    `uploads.file_limits()`: bytes first; an xlsx's expanded size, declared dimensions and rows,
    an ods's expanded size, before it is opened; each sheet's rows and columns once read."""

    def __init__(self, path: Path, limits: uploads.Limits | None = None) -> None:
        from python_calamine import CalamineWorkbook

        from apps.core import uploads

        self.path = Path(path)
        self.limits = limits or uploads.file_limits()
        self.kind = sniff(self.path, self.limits)
        if self.kind == "csv":
            raise ImportProblem(str(path), "a text (CSV) file where a workbook was expected")
        if self.kind == "xlsx":
            uploads.check_workbook(self.path, str(self.path), self.limits)
        elif self.kind == "ods":
            uploads.check_archive(self.path, str(self.path), self.limits)
        try:
            with open(self.path, "rb") as handle:
                self.book = CalamineWorkbook.from_filelike(handle)
        except Exception as exc:  # calamine raises several types for unreadable files
            raise ImportProblem(
                str(path), f"cannot read the {FILE_KINDS[self.kind]} ({exc})"
            ) from exc
        self.sheet_names: list[str] = list(self.book.sheet_names)

    def rows(self, sheet: str) -> list[list[Any]]:
        if sheet not in self.sheet_names:
            raise ImportProblem(str(self.path), "sheet is missing", sheet=sheet)
        from apps.core import uploads

        try:
            rows = self.book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as exc:
            raise ImportProblem(
                str(self.path), f"sheet cannot be read ({exc})", sheet=sheet
            ) from exc
        uploads.check_sheet_size(rows, str(self.path), sheet, self.limits)
        return rows


def read_csv_rows(
    path: Path, required: Iterable[str], limits: uploads.Limits | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number as a spreadsheet shows it, row) once the header is known to hold
    every `required` column. Header names are matched by header_key (case, spacing and
    punctuation do not matter) and each matched column is given the `required` spelling; the
    file is read by its content (a workbook is refused, not misread) in UTF-8 or Windows-1252,
    within `limits` (default `uploads.file_limits()`: bytes, rows, columns; a NUL character is
    refused)."""
    from apps.core import uploads

    path = Path(path)
    limits = limits or uploads.file_limits()
    kind = sniff(path, limits)  # refuses a file over the byte limit
    if kind != "csv":
        raise ImportProblem(str(path), f"an {FILE_KINDS[kind]} where a CSV file was expected")
    required = list(required)
    text = decode_text(path.read_bytes())
    reader = uploads.bounded_rows(csv.reader(io.StringIO(text, newline="")), str(path), limits)
    header = [name.strip() for name in next(reader, [])]
    wanted = {header_key(name): name for name in required}
    names = [wanted.get(header_key(name), name) for name in header]
    missing = [name for name in required if name not in names]
    if missing:
        raise ImportProblem(
            str(path), f"header lacks required column(s): {', '.join(missing)}", row=1
        )
    for number, cells in enumerate(reader, start=2):
        if not cells:
            continue
        if len(cells) > len(names):
            raise ImportProblem(str(path), "row has more fields than the header", row=number)
        cells = cells + [""] * (len(names) - len(cells))
        yield (
            number,
            {name: (value or "").strip() for name, value in zip(names, cells, strict=True)},
        )


class BaseImporter:
    """Subclasses implement `parse` (validate everything, touch no table) and `write`."""

    source_name: str = ""

    def __init__(self, path: Path):
        self.path = Path(path)

    def parse(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def write(self, parsed: Any) -> dict[str, int]:  # pragma: no cover - abstract
        raise NotImplementedError

    def problem(self, message: str, **where: Any) -> ImportProblem:
        return ImportProblem(str(self.path), message, **where)

    def run(self) -> dict[str, int]:
        parsed = self.parse()
        with transaction.atomic():
            return self.write(parsed)


def add_limit_options(parser: CommandParser) -> None:
    """--max-bytes, --max-rows, --max-columns: allow a larger file than the limits for this run
    (`uploads.allowing`); see docs/operations.md."""
    group = parser.add_argument_group(
        "size limits",
        "Files are refused past settings.IMPORT_LIMITS (by default the web uploads' limits: "
        "10 MB, 50,000 rows, 200 columns; readers of official files state what they need). "
        "To import a larger official file, allow more for this run:",
    )
    group.add_argument("--max-bytes", type=int, default=None, metavar="N", help="bytes per file")
    group.add_argument("--max-rows", type=int, default=None, metavar="N", help="rows per table")
    group.add_argument("--max-columns", type=int, default=None, metavar="N", help="columns")


def limits_from_options(options: dict[str, Any]):
    """The `uploads.allowing` block for a command's --max-* options (a no-op without them)."""
    from apps.core import uploads

    return uploads.allowing(
        max_bytes=options.get("max_bytes"),
        max_rows=options.get("max_rows"),
        max_columns=options.get("max_columns"),
    )


class ImporterCommand(BaseCommand):
    """One management command per source: `importer_class` plus the shipped default file."""

    importer_class: type[BaseImporter]
    default_path: Path

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        add_limit_options(parser)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", type=Path, default=None, help="file to import (default: shipped)"
        )

    def handle(self, *args: Any, path: Path | None = None, **options: Any) -> None:
        importer = self.importer_class(path or self.default_path)
        try:
            with limits_from_options(options):
                counts = importer.run()
        except ImportProblem as problem:
            raise CommandError(f"Import refused, nothing changed. {problem}") from problem
        summary = ", ".join(f"{value} {key}" for key, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported {importer.path.name}: {summary}"))
