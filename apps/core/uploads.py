"""Size and shape limits for every uploaded or imported table, checked before the data is read.

A spreadsheet can be small on disk and huge in memory: 173 KB of XLSX can expand to a million
rows, and one declaring `A1:XFD1048576` would need about 130 GB. So, in this order:
1. bytes on disk (`Limits.max_bytes`);
2. for XLSX, what the archive expands to (sum of its members' declared sizes) and each sheet's
   declared dimension (`<dimension ref>`), read by openpyxl in read-only mode without the rows;
3. rows and columns while streaming, stopping at the first row past the limit (a sheet may lie
   about its dimension, or not declare one).
Cells are refused, with row and column, for what cannot be stored or trusted: a formula (we
would import its last cached value, or nothing; paste values instead) and a NUL character.
CSV text is read as UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apps.core.importers import ImportProblem, column_letter


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 10 * 1024 * 1024
    max_rows: int = 50_000
    max_columns: int = 200
    max_expanded_bytes: int = 200 * 1024 * 1024  # an XLSX archive's content, uncompressed
    # How to allow more, added to a size refusal ("" on the web: a person there cannot)
    advice: str = ""

    def beyond(self, what: str) -> str:
        """'; to import it anyway, ...' naming the option for `what` (bytes, rows, columns)."""
        return f"; {self.advice.format(what=what, WHAT=what.upper())}" if self.advice else ""


DEFAULT = Limits()

# Files read from the command line (importers, refresh_data) go through the same checks. Their
# limits are settings.IMPORT_LIMITS (the web's by default; environment NLB_IMPORT_MAX_BYTES,
# NLB_IMPORT_MAX_ROWS, NLB_IMPORT_MAX_COLUMNS), raised for one run by the commands' --max-bytes,
# --max-rows and --max-columns, or by an importer for an official file known to be larger
# (`allowing`). A refusal says how to allow more.
CLI_ADVICE = (
    "an operator importing a larger official file can allow more with --max-{what} "
    "(or NLB_IMPORT_MAX_{WHAT})"
)
_allowed: ContextVar[dict[str, int]] = ContextVar("import_limits_allowed", default={})  # noqa: B039


def file_limits(**at_least: int) -> Limits:
    """The limits for files read by `apps.core.importers` now: settings.IMPORT_LIMITS, raised
    by any `allowing` in force and by `at_least` (what a reader of one kind of official file
    states it needs, e.g. max_columns=5_000)."""
    from django.conf import settings

    configured = {**vars(DEFAULT), **getattr(settings, "IMPORT_LIMITS", {})}
    for field_name, value in (*_allowed.get().items(), *at_least.items()):
        configured[field_name] = max(value, configured[field_name])
    configured["advice"] = CLI_ADVICE
    return Limits(**configured)


@contextmanager
def allowing(**fields: int | None) -> Iterator[None]:
    """Within the block, files read by `apps.core.importers` may be as large as `fields`
    (max_bytes=..., max_rows=..., max_columns=...; None: unchanged); limits only grow."""
    current = dict(_allowed.get())
    for field_name, value in fields.items():
        if value is not None:
            current[field_name] = max(value, current.get(field_name, 0))
    token = _allowed.set(current)
    try:
        yield
    finally:
        _allowed.reset(token)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def check_bytes(path: Path, name: str, limits: Limits = DEFAULT) -> None:
    size = Path(path).stat().st_size
    if size > limits.max_bytes:
        raise ImportProblem(
            name,
            f"the file is {_mb(size)}; the limit is {_mb(limits.max_bytes)}"
            + limits.beyond("bytes"),
        )
    if size == 0:
        raise ImportProblem(name, "the file is empty")


def check_workbook(
    path: Path, name: str, limits: Limits = DEFAULT, *, count_rows: bool = True
) -> None:
    """Refuse an XLSX whose content or any sheet's size is over the limits before a row is read:
    the archive's expanded size, each sheet's declared `<dimension>`, and its count of `<row>`
    elements, found by scanning the compressed XML as bytes (stopping past the limit).
    `count_rows=False` skips that scan (the quick check a web request makes, milliseconds
    whatever the size; the rows are counted again when the file is read)."""
    check_bytes(path, name, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            expanded = sum(info.file_size for info in infos)
            if expanded > limits.max_expanded_bytes:
                raise ImportProblem(
                    name,
                    f"the workbook expands to {_mb(expanded)} when opened; the limit is "
                    f"{_mb(limits.max_expanded_bytes)} (is it mostly empty rows or columns?)",
                )
            titles = _sheet_titles(archive)
            for info in infos:
                if SHEET_PART.match(info.filename):
                    title = titles.get(info.filename, Path(info.filename).stem)
                    _scan_sheet(archive, info, name, title, limits, count_rows)
    except zipfile.BadZipFile as exc:
        raise ImportProblem(name, f"not a readable XLSX workbook ({exc})") from exc


SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
CHUNK = 1 << 20


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """{'xl/worksheets/sheet1.xml': 'Responses', ...} from the workbook's own index."""
    from xml.etree import ElementTree

    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    titles = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "").lstrip("/")
            target = target if target.startswith("xl/") else f"xl/{target}"
            titles[target] = sheet.get("name", "")
    return titles


def _scan_sheet(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    sheet: str,
    limits: Limits,
    count_rows: bool = True,
) -> None:
    from openpyxl.utils.cell import range_boundaries

    rows, tail, first = 0, b"", True
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            if first:
                found = DIMENSION.search(chunk[:65536])
                if found:
                    ref = found.group(1).decode()
                    _, _, max_col, max_row = range_boundaries(ref if ":" in ref else f"{ref}:{ref}")
                    _check_size(max_row, max_col, name, sheet, limits, f" (it declares {ref})")
                first = False
                if not count_rows:
                    return
            data = tail + chunk
            rows += len(ROW.findall(data)) - len(ROW.findall(tail))
            tail = data[-16:]
            if rows > limits.max_rows + 1:
                raise ImportProblem(
                    name,
                    f"more than {limits.max_rows:,} rows of data: split the file"
                    + limits.beyond("rows"),
                    sheet=sheet,
                )


def check_sheet_size(rows: list[list[Any]], name: str, sheet: str, limits: Limits) -> None:
    """A sheet already read (an .xls or .ods, which declare no dimension): within the limits?"""
    _check_size(len(rows), max((len(r) for r in rows), default=0), name, sheet, limits, "")


def check_archive(path: Path, name: str, limits: Limits) -> None:
    """A zip-based workbook (.ods) whose content expands beyond the limit is refused."""
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportProblem(name, f"a damaged zip archive ({exc})") from exc
    if expanded > limits.max_expanded_bytes:
        raise ImportProblem(
            name,
            f"the workbook expands to {_mb(expanded)} when opened; the limit is "
            f"{_mb(limits.max_expanded_bytes)}" + limits.beyond("bytes"),
        )


def _check_size(rows: int, columns: int, name: str, sheet: str, limits: Limits, note: str):
    if rows > limits.max_rows + 1:  # + the header row
        raise ImportProblem(
            name,
            f"the sheet has {rows:,} rows{note}; the limit is {limits.max_rows:,} rows "
            "of data: split the file" + limits.beyond("rows"),
            sheet=sheet,
        )
    if columns > limits.max_columns:
        raise ImportProblem(
            name,
            f"the sheet has {columns:,} columns{note}; the limit is {limits.max_columns:,}"
            + limits.beyond("columns"),
            sheet=sheet,
        )


def _open(path: Path, name: str):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        kind = exc.__class__.__name__
        raise ImportProblem(name, f"not a readable XLSX workbook ({kind})") from exc


def xlsx_rows(
    path: Path, name: str, limits: Limits = DEFAULT, *, sheet: str | None = None
) -> tuple[str, list[list[Any]]]:
    """(sheet title, rows of cell values) from an XLSX, within the limits (see module doc).
    `sheet`: the sheet to read if present, else the first."""
    check_workbook(path, name, limits)
    book = _open(path, name)
    try:
        ws = book[sheet] if sheet and sheet in book.sheetnames else book.worksheets[0]
        rows = []
        for number, values in enumerate(
            ws.iter_rows(values_only=True, max_row=limits.max_rows + 2), start=1
        ):
            if number > limits.max_rows + 1:
                raise ImportProblem(
                    name,
                    f"more than {limits.max_rows:,} rows of data: split the file",
                    sheet=ws.title,
                )
            if len(values) > limits.max_columns:
                extra = [v for v in values[limits.max_columns :] if v not in (None, "")]
                if extra:
                    raise ImportProblem(
                        name,
                        f"more than {limits.max_columns:,} columns",
                        row=number,
                        sheet=ws.title,
                    )
                values = values[: limits.max_columns]
            for index, value in enumerate(values):
                check_cell(value, name, number, index, ws.title)
            rows.append(list(values))
        return ws.title, rows
    finally:
        book.close()


def check_cell(value: Any, name: str, row: int, index: int, sheet: str | None = None) -> None:
    if not isinstance(value, str):
        return
    if value.startswith("=") and len(value) > 1:
        raise ImportProblem(
            name,
            f"the cell holds a formula ({value[:40]}); copy the column and paste it as values",
            row=row,
            column=column_letter(index),
            sheet=sheet,
        )
    if "\x00" in value:
        raise ImportProblem(
            name,
            "the cell contains a NUL character",
            row=row,
            column=column_letter(index),
            sheet=sheet,
        )


def decode_upload(data: bytes, name: str) -> str:
    """Text of an uploaded CSV: UTF-16 with a byte-order mark, else UTF-8 (BOM or not)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportProblem(name, f"damaged UTF-16 text ({exc.reason})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(name, data, exc) from exc


def not_utf8(name: str, data: bytes, exc: UnicodeDecodeError) -> ImportProblem:
    """The refusal of text that is not UTF-8, naming the offending byte and its line."""
    return ImportProblem(
        name,
        f"the text is not UTF-8 (byte {data[exc.start]:#04x}); save it as CSV UTF-8",
        row=data[: exc.start].count(b"\n") + 1,
    )


def text_encoding(path: Path) -> str:
    """The codec for an uploaded text file: 'utf-16' if it starts with a UTF-16 byte-order mark,
    else 'utf-8-sig' (UTF-8, with or without its byte-order mark)."""
    with open(path, "rb") as handle:
        head = handle.read(2)
    return "utf-16" if head in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"


def csv_rows(path: Path, name: str, limits: Limits = DEFAULT) -> list[list[str]]:
    """Rows of an uploaded CSV within the limits, each checked for NUL characters."""
    check_bytes(path, name, limits)
    text = decode_upload(Path(path).read_bytes(), name)
    return list(bounded_rows(csv.reader(io.StringIO(text, newline="")), name, limits))


def cell_too_long(exc: csv.Error) -> bool:
    """Whether the csv module stopped at a cell over csv.field_size_limit()."""
    return "field larger than field limit" in str(exc)


def csv_error_text(exc: csv.Error) -> str:
    """What a csv module error means for the person who made the file."""
    if cell_too_long(exc):
        return (
            f"a cell is longer than {csv.field_size_limit():,} characters, the most a CSV cell "
            "may hold here; shorten it (or is a quote character left unclosed?)"
        )
    return f"not readable as CSV ({exc})"


def long_cell_index(path: Path, encoding: str, after_line: int) -> int | None:
    """Which cell (0 for the first) of the CSV record starting after line `after_line` is longer
    than csv.field_size_limit(): the csv module stops there without saying which. None if none is.
    Read only when a file is refused, so a plain scan of that one record (Python's default CSV
    dialect: comma, double quotes, "" for a quote inside quotes)."""
    limit = csv.field_size_limit()
    index = size = 0
    state = "start"  # of a cell; "plain" cell; "quoted" cell; "closing" quote seen in quotes
    with open(path, encoding=encoding, newline="") as handle:
        for _ in itertools.islice(handle, after_line):
            pass
        while chunk := handle.read(CHUNK):
            for char in chunk:
                if state == "quoted":
                    if char == '"':
                        state = "closing"
                        continue
                elif char in "\r\n":
                    return None  # the record ended with every cell within the limit
                elif char == ",":
                    index, size, state = index + 1, 0, "start"
                    continue
                elif state == "start" and char == '"':
                    state = "quoted"
                    continue
                elif state == "closing":
                    # "" inside quotes is one quote; after a closing quote the cell reads on
                    state = "quoted" if char == '"' else "plain"
                else:
                    state = "plain"
                size += 1
                if size > limit:
                    return index
    return None


def bounded_rows(reader: Iterator[list[str]], name: str, limits: Limits) -> Iterator[list[str]]:
    """The reader's rows, refused (naming the file, and row and column) past the row or column
    limit or at a cell holding a NUL character."""
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a cell over csv.field_size_limit() (131,072 characters)
            raise ImportProblem(name, csv_error_text(exc), row=number + 1) from exc
        number += 1
        if number > limits.max_rows + 1:
            raise ImportProblem(
                name,
                f"more than {limits.max_rows:,} rows of data: split the file"
                + limits.beyond("rows"),
            )
        if len(cells) > limits.max_columns:
            raise ImportProblem(
                name,
                f"more than {limits.max_columns:,} columns" + limits.beyond("columns"),
                row=number,
            )
        for index, value in enumerate(cells):
            if "\x00" in value:
                raise ImportProblem(
                    name,
                    "the cell contains a NUL character",
                    row=number,
                    column=column_letter(index),
                )
        yield cells


TABLE_KINDS = {"csv": "a CSV (text) file", "xlsx": "an Excel workbook (XLSX)"}


def check_table_quickly(path: Path, name: str, limits: Limits = DEFAULT) -> str:
    """What a web request checks before it queues an import, in milliseconds whatever the size:
    bytes; the kind by content ('csv' or 'xlsx', returned), which must agree with the name's
    suffix; for a workbook its expanded size and declared dimensions; for text that its start
    decodes. The import itself streams the rows under the same limits."""
    check_bytes(path, name, limits)
    with open(path, "rb") as handle:
        head = handle.read(65536)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                is_xlsx = "xl/workbook.xml" in archive.namelist()
        except zipfile.BadZipFile as exc:
            raise ImportProblem(name, f"a damaged zip archive ({exc})") from exc
        if not is_xlsx:
            raise ImportProblem(name, "a zip archive that is not an XLSX workbook")
        kind = "xlsx"
        check_workbook(path, name, limits, count_rows=False)
    elif head.startswith((b"\xff\xfe", b"\xfe\xff")):
        kind = "csv"
    else:
        kind = "csv"
        try:
            head.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            cut = len(head) == 65536 and exc.start >= len(head) - 3  # a character cut in two
            if not cut:
                if b"\x00" in head or head.startswith(b"\xd0\xcf\x11\xe0"):
                    raise ImportProblem(
                        name, "not a CSV or XLSX file (save it as CSV UTF-8 or XLSX)"
                    ) from exc
                raise not_utf8(name, head, exc) from exc
    suffix = Path(name).suffix.lower()
    expected = {".csv": "csv", ".xlsx": "xlsx"}.get(suffix)
    if expected is None:
        raise ImportProblem(name, "upload a .csv or .xlsx file")
    if expected != kind:
        raise ImportProblem(
            name,
            f"the name ends {suffix} but the file is {TABLE_KINDS[kind]}: rename or re-save it",
        )
    return kind


def rough_row_count(path: Path) -> int:
    """About how many rows a table holds, for progress, in one cheap pass: a workbook's first
    declared dimension, else its first sheet's `<row>` elements; a text file's line breaks.
    At least 1; never used to accept or refuse a file."""
    from openpyxl.utils.cell import range_boundaries

    with open(path, "rb") as handle:
        head = handle.read(4)
        if not head.startswith(b"PK\x03\x04"):
            handle.seek(0)
            lines = 0
            while chunk := handle.read(CHUNK):
                lines += chunk.count(b"\n")
            return max(1, lines)
    try:
        with zipfile.ZipFile(path) as archive:
            sheets = [i for i in archive.infolist() if SHEET_PART.match(i.filename)]
            if not sheets:
                return 1
            with archive.open(sheets[0]) as stream:
                chunk = stream.read(CHUNK)
                found = DIMENSION.search(chunk[:65536])
                if found and ":" in found.group(1).decode():
                    return max(1, range_boundaries(found.group(1).decode())[3])
                rows = len(ROW.findall(chunk))
                while chunk := stream.read(CHUNK):
                    rows += len(ROW.findall(chunk))
                return max(1, rows)
    except zipfile.BadZipFile:
        return 1


def store_upload(upload: Any, folder: str, limits: Limits = DEFAULT) -> str:
    """Save an uploaded file under `folder` in the default storage (MEDIA_ROOT, not served);
    returns its storage name. Refused, before a byte is copied, past `limits.max_bytes`.
    A stored name is random (the person's file name is kept by the caller, for messages)."""
    import uuid

    from django.core.files.storage import default_storage

    if upload.size > limits.max_bytes:
        raise ImportProblem(
            upload.name, f"the file is {_mb(upload.size)}; the limit is {_mb(limits.max_bytes)}"
        )
    suffix = Path(upload.name).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}{suffix}", upload)


def table_rows(
    path: Path, name: str, limits: Limits = DEFAULT, *, sheet: str | None = None
) -> tuple[str | None, list[list[Any]]]:
    """Rows of an uploaded table, CSV or XLSX told apart by content (not by name)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(b"PK\x03\x04"):
        return xlsx_rows(path, name, limits, sheet=sheet)
    return None, csv_rows(path, name, limits)
