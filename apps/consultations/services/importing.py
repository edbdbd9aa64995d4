"""Offline responses (paper, email, meeting hand-ins) from CSV or XLSX, validated row by row first.

Columns are found by header, in any order (case and surrounding spaces ignored):
- `received` (required): date the response reached us (YYYY-MM-DD or DD/MM/YYYY); after the
  closing date the response is kept and flagged late;
- `reference` (optional): an existing reference is skipped, so re-importing a file is harmless;
  rows without one are recognised by their row key (content plus occurrence in the file,
  `RowKeys`), so identical rows from different people are all kept while a second import of
  the same file, or of a later export holding more rows, skips those already imported;
- `respondent type` (individual / organisation), `organisation`, `group` (stakeholder group, code
  or label), `name`, `email`, `consent to publish` (yes / no);
- `Q<n>` per question: for choice questions the option text (several joined by `;`), for free
  text the answer; `Q<n> text` holds the free text of a choice-plus-text question.
Rows are checked and inserted in one streamed pass (a million rows never sit in memory), in one
transaction: any problem refuses the whole file, naming row and column; nothing is half-imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from apps.consultations.analysis.campaigns import template_key
from apps.consultations.models import (
    Answer,
    Channel,
    Consultation,
    QuestionKind,
    RespondentType,
    Response,
    StakeholderGroup,
    new_reference,
    start_of_day_london,
)
from apps.core import uploads
from apps.core.importers import BaseImporter, ImportProblem, column_letter
from apps.core.tokens import new_token_hash

BATCH = 900  # responses per insert: under every database's parameter limit for the look-up
# Progress: about PROGRESS_REPORTS reports an import, so a small file shows steps too, and none
# closer than PROGRESS_MIN_ROWS rows (each report is a write to the job's record).
PROGRESS_REPORTS = 50
PROGRESS_MIN_ROWS = 1_000
ANALYZE_FROM = 10_000  # responses imported at once; PostgreSQL's statistics refreshed after
# Offline responses stream (a million rows is a supported size), so the limits are wide; they
# still refuse a workbook whose declared size or expanded content is beyond any real file.
IMPORT_LIMITS = uploads.Limits(
    max_bytes=500 * 1024 * 1024, max_rows=2_000_000, max_expanded_bytes=2 * 1024**3
)
QUESTION_COLUMN = re.compile(r"^q\s*(\d+)(\s+text)?$")
KNOWN = {
    "received",
    "reference",
    "respondent type",
    "organisation",
    "group",
    "name",
    "email",
    "consent to publish",
}
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def progress_step(rows: int) -> int:
    """Rows between progress reports for a file of about `rows` rows."""
    return max(PROGRESS_MIN_ROWS, rows // PROGRESS_REPORTS)


def _norm_header(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "").strip().replace("_", " ")).lower()


@dataclass
class ParsedRow:
    row: int
    fields: dict[str, Any]
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)


class OfflineResponseImporter(BaseImporter):
    source_name = "offline responses"

    def __init__(
        self,
        path: Path,
        consultation: Consultation,
        *,
        user=None,
        name: str = "",
        progress: Callable[[str, int], None] | None = None,
        expected_rows: int | None = None,
        grouped_next: bool = True,
    ):
        """`progress(stage, rows)` is called every `progress_step` rows of the `expected_rows`
        (counted from the file when not given) and at the end.
        `grouped_next`: campaign grouping (`preparing`) follows this import, so each answer's
        campaign key is computed now, as it is inserted; without it keys are left unset and the
        answers wait to be grouped as any new answer does (pages regroup small questions)."""
        super().__init__(path)
        self.progress = progress
        self.progress_every = (
            progress_step(expected_rows or uploads.rough_row_count(Path(path))) if progress else 0
        )
        self.grouped_next = grouped_next
        self.consultation = consultation
        self.user = user
        self.display_name = name or Path(path).name
        self.sheet: str | None = None
        self._dates: dict[str, dt.date] = {}  # parsed date cells (a file repeats few dates)
        self._latest_day = timezone.localdate() + dt.timedelta(days=1)
        self._earliest_day = consultation.opens_on

    def problem(self, message: str, **where: Any):
        problem = super().problem(message, sheet=self.sheet, **where)
        problem.file = self.display_name
        return problem

    # Reading (streamed: a million rows never sit in memory) ---------------------------------
    def _suffix(self) -> str:
        return Path(self.display_name).suffix.lower() or self.path.suffix.lower()

    def read_table(self) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
        """The normalised header and a generator of (row number, cells) for non-blank rows."""
        suffix = self._suffix()
        if suffix in (".xlsx", ".xlsm"):
            return self._read_xlsx()
        if suffix == ".csv":
            return self._read_csv()
        raise self.problem("upload a .csv or .xlsx file")

    def _read_xlsx(self):
        from openpyxl import load_workbook

        # limits first (bytes, expanded size, declared dimension), then formulas and NUL refused
        uploads.check_workbook(self.path, self.display_name, IMPORT_LIMITS)
        try:
            book = load_workbook(self.path, read_only=True, data_only=False)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook
            raise self.problem(f"not a readable XLSX workbook ({exc.__class__.__name__})") from exc
        sheet = book["Responses"] if "Responses" in book.sheetnames else book.worksheets[0]
        self.sheet = sheet.title
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            book.close()
            raise self.problem("the sheet is empty", row=1)
        header = [_norm_header(h) for h in first]

        def body():
            try:
                for n, r in enumerate(rows, start=2):
                    if any(str(v or "").strip() for v in r):
                        for index, value in enumerate(r):
                            uploads.check_cell(value, self.display_name, n, index, self.sheet)
                        yield n, list(r)
            finally:
                book.close()

        return header, body()

    def _read_csv(self):
        uploads.check_bytes(self.path, self.display_name, IMPORT_LIMITS)
        encoding = uploads.text_encoding(self.path)  # UTF-16 with a byte-order mark, or UTF-8
        handle = open(self.path, encoding=encoding, newline="")  # noqa: SIM115 - closed by body
        reader = csv.reader(handle)
        try:
            first = next(reader, None)
        except UnicodeDecodeError as exc:
            handle.close()
            raise self.problem("the file is not UTF-8 text; save it as CSV UTF-8") from exc
        except csv.Error as exc:
            handle.close()
            raise self._csv_problem(exc, encoding, row=1, after_line=0, header=[]) from exc
        if not first:
            handle.close()
            raise self.problem("the file is empty", row=1)
        header = [_norm_header(h) for h in first]

        def body():
            n, ended = 1, reader.line_num  # the last record read: its number, its last line
            try:
                for n, r in enumerate(reader, start=2):  # noqa: B007 - n names the failing row
                    ended = reader.line_num
                    if len(r) > len(header):
                        raise self.problem("row has more fields than the header", row=n)
                    if any(v.strip() for v in r):
                        for index, value in enumerate(r):
                            uploads.check_cell(value, self.display_name, n, index)
                        yield n, r + [""] * (len(header) - len(r))
            except UnicodeDecodeError as exc:
                raise self.problem(
                    "the file is not UTF-8 text; save it as CSV UTF-8", row=n + 1
                ) from exc
            except csv.Error as exc:  # e.g. a cell over csv.field_size_limit()
                raise self._csv_problem(
                    exc, encoding, row=n + 1, after_line=ended, header=header
                ) from exc
            finally:
                handle.close()

        return header, body()

    def _csv_problem(
        self, exc: csv.Error, encoding: str, *, row: int, after_line: int, header: list[str]
    ) -> ImportProblem:
        """The csv module's error, placed: its row and, for a cell over the size limit (the
        module does not say which), its column by header name, else by letter."""
        column = None
        if uploads.cell_too_long(exc):
            index = uploads.long_cell_index(self.path, encoding, after_line)
            if index is not None:
                named = header[index] if index < len(header) else ""
                column = named or column_letter(index)
        return self.problem(uploads.csv_error_text(exc), row=row, column=column)

    # Validating --------------------------------------------------------------------------
    def parse(self) -> int:
        """Check every row (streamed; nothing stored); the number of responses in the file."""
        count = 0
        for count, _ in enumerate(self.rows(), start=1):  # noqa: B007
            if self.progress and count % self.progress_every == 0:
                self.progress("Checked", count)
        if count == 0:
            raise self.problem("no responses in the file", row=2)
        return count

    def _columns(self, header: list[str], questions: dict) -> dict[str, int]:
        columns: dict[str, int] = {}
        for i, name in enumerate(header):
            if not name:
                continue
            if name in columns:
                raise self.problem(f"column {name!r} appears twice", row=1, column=name)
            match = QUESTION_COLUMN.match(name)
            if match and int(match.group(1)) not in questions:
                raise self.problem(
                    f"no question {match.group(1)} in this consultation", row=1, column=name
                )
            if not match and name not in KNOWN:
                raise self.problem(
                    "unknown column (expected received, reference, respondent type, "
                    "organisation, group, name, email, consent to publish, Q1, Q1 text, ...)",
                    row=1,
                    column=name,
                )
            columns[name] = i
        if "received" not in columns:
            raise self.problem("header lacks the required column 'received'", row=1)
        return columns

    def rows(self) -> Iterator[ParsedRow]:
        """The file's rows, validated one at a time (a problem names its row and column)."""
        header, body = self.read_table()
        questions = {q.number: q for q in self.consultation.questions.all()}
        columns = self._columns(header, questions)
        # per question column: (cell index, column name, question, takes text, options)
        plans = []
        for col, index in columns.items():
            match = QUESTION_COLUMN.match(col)
            if match:
                question = questions[int(match.group(1))]
                wants_text = bool(match.group(2)) or question.kind == QuestionKind.FREE_TEXT
                options = {o.lower(): o for o in question.choices}
                plans.append((index, col, question, wants_text, options))
        groups = {g.value: g.value for g in StakeholderGroup} | {
            g.label.lower(): g.value for g in StakeholderGroup
        }
        seen_refs: set[str] = set()
        for number, values in body:

            def text(col: str, values=values) -> str:
                value = values[columns[col]] if col in columns else None
                return "" if value is None else str(value).strip()

            fields: dict[str, Any] = {
                "received_at": self._date(values[columns["received"]], number)
            }
            ref = text("reference")
            if ref:
                if len(ref) > 20:
                    raise self.problem(
                        "reference longer than 20 characters", row=number, column="reference"
                    )
                if ref in seen_refs:
                    raise self.problem(
                        "reference repeated in this file", row=number, column="reference"
                    )
                seen_refs.add(ref)
            fields["reference"] = ref
            rtype = text("respondent type").lower() or "individual"
            if rtype not in ("individual", "organisation", "organization"):
                raise self.problem(
                    f"{rtype!r} is not 'individual' or 'organisation'",
                    row=number,
                    column="respondent type",
                )
            fields["respondent_type"] = (
                RespondentType.INDIVIDUAL if rtype == "individual" else RespondentType.ORGANISATION
            )
            fields["organisation"] = text("organisation")[:200]
            if (
                fields["respondent_type"] == RespondentType.ORGANISATION
                and not fields["organisation"]
            ):
                raise self.problem(
                    "organisation responses need the organisation's name",
                    row=number,
                    column="organisation",
                )
            group = text("group").lower()
            if group and group not in groups:
                raise self.problem(
                    f"{text('group')!r} is not a stakeholder group", row=number, column="group"
                )
            fields["group"] = groups.get(group) or (
                StakeholderGroup.INDIVIDUALS
                if fields["respondent_type"] == RespondentType.INDIVIDUAL
                else StakeholderGroup.OTHER_ORGANISATIONS
            )
            fields["name"] = text("name")[:200]
            email = text("email")
            if email and not EMAIL.match(email):
                raise self.problem(f"{email!r} is not an email address", row=number, column="email")
            fields["email"] = email
            consent = text("consent to publish").lower()
            if consent not in YES | NO:
                raise self.problem(
                    "consent to publish must be yes or no", row=number, column="consent to publish"
                )
            fields["consent_to_publish"] = consent in YES
            row = ParsedRow(number, fields)
            for index, col, question, wants_text, options in plans:
                raw = values[index]
                value = "" if raw is None else str(raw).strip()
                if not value:
                    continue
                answer = row.answers.setdefault(question.pk, {"choices": [], "text": ""})
                if wants_text:
                    if not question.has_text:
                        raise self.problem(
                            f"question {question.number} takes no free text", row=number, column=col
                        )
                    answer["text"] = value
                    continue
                chosen = [v.strip() for v in value.split(";") if v.strip()]
                if question.kind != QuestionKind.MULTIPLE and len(chosen) > 1:
                    raise self.problem(
                        f"question {question.number} takes one answer", row=number, column=col
                    )
                for choice in chosen:
                    if choice.lower() not in options:
                        raise self.problem(
                            f"{choice!r} is not an option of question {question.number} "
                            f"({'; '.join(question.choices)})",
                            row=number,
                            column=col,
                        )
                answer["choices"] = [options[c.lower()] for c in chosen]
            if not row.answers:
                raise self.problem("the row answers no question", row=number)
            yield row

    def _date(self, value: Any, row: int) -> dt.datetime:
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        else:
            raw = str(value or "").strip()
            day = self._dates.get(raw)
            if day is None:
                for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"):
                    try:
                        day = dt.datetime.strptime(raw, fmt).date()
                        break
                    except ValueError:
                        continue
                if day is None:
                    raise self.problem(
                        f"{raw!r} is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
                        if raw
                        else "the date received is missing",
                        row=row,
                        column="received",
                    )
                if len(self._dates) < 10_000:  # a consultation spans a few hundred days
                    self._dates[raw] = day
        if day > self._latest_day:
            raise self.problem(f"{day:%d/%m/%Y} is in the future", row=row, column="received")
        if day < self._earliest_day:
            raise self.problem(
                f"{day:%d/%m/%Y} is before the consultation opened ({self._earliest_day:%d/%m/%Y})",
                row=row,
                column="received",
            )
        return start_of_day_london(day)

    # Writing (the same single pass: a problem in any row rolls back the whole file) ----------
    def run(self) -> dict[str, int]:
        """Check and insert every row in one streamed pass, inside one transaction: a problem in
        any row refuses the file and leaves the database as it was."""
        with transaction.atomic():
            counts = self.write(None)
            if counts["rows read"] == 0:
                raise self.problem("no responses in the file", row=2)
        del counts["rows read"]
        if connection.vendor == "postgresql" and counts["responses imported"] >= ANALYZE_FROM:
            # fresh statistics, so the grouping that follows plans its look-ups with the indexes
            with connection.cursor() as cursor:
                for model in (Response, Answer):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        return counts

    def write(self, parsed: int | None) -> dict[str, int]:
        """Insert the rows (validated as they stream in) in bulk batches of `BATCH`, skipping rows
        imported before: by reference, else by row key (see `RowKeys`)."""
        created = skipped = late = read = 0
        closes_at = self.consultation.closes_at
        keys = RowKeys()
        insert = _ResponseInsert(self.consultation, self.user)
        imported_before = (
            Response.objects.filter(consultation=self.consultation).exclude(row_key="").exists()
        )
        batch: list[tuple[str, ParsedRow]] = []

        def flush() -> tuple[int, int, int]:
            """Insert the batch; (imported, late among them, skipped as already imported)."""
            refs = [r.fields["reference"] for _, r in batch if r.fields["reference"]]
            existing = (
                set(Response.objects.filter(reference__in=refs).values_list("reference", flat=True))
                if refs
                else set()
            )
            if imported_before:  # (keys are unique within one file)
                existing |= set(
                    Response.objects.filter(
                        consultation=self.consultation, row_key__in=[key for key, _ in batch]
                    ).values_list("row_key", flat=True)
                )
            keep = [
                (key, row)
                for key, row in batch
                if row.fields["reference"] not in existing and key not in existing
            ]
            ids = insert.run(keep)
            _insert_answers(
                (
                    (ids[key], qid, answer["choices"], answer["text"])
                    for key, row in keep
                    for qid, answer in row.answers.items()
                ),
                keyed=self.grouped_next,
            )
            skipped_now = len(batch) - len(keep)
            batch.clear()
            return len(keep), sum(r.fields["received_at"] > closes_at for _, r in keep), skipped_now

        for row in self.rows():
            read += 1
            batch.append((keys.key(row), row))
            milestone = bool(self.progress) and read % self.progress_every == 0
            if len(batch) >= BATCH or milestone:
                counts = flush()
                created, late, skipped = created + counts[0], late + counts[1], skipped + counts[2]
                if self.progress and milestone:
                    self.progress("Checked and imported", read)
        if batch:
            counts = flush()
            created, late, skipped = created + counts[0], late + counts[1], skipped + counts[2]
        if self.progress:
            self.progress("Checked and imported", read)
        return {
            "responses imported": created,
            "late (kept, flagged)": late,
            "already imported (skipped)": skipped,
            "rows read": read,
        }


class _ResponseInsert:
    """Insert imported responses with one parameterised statement run for a whole batch.

    Building, validating and compiling an ORM object per row was most of a large import's time.
    Every column the file does not set has one value for the whole import, taken from a template
    `Response` (so a field added to the model later gets its default here too); per row come the
    file's fields, a fresh reference (when the file has none) and a private-link hash no one
    holds, as `Response` itself would give them."""

    PER_ROW = (
        "reference",
        "token_hash",
        "respondent_type",
        "group",
        "organisation",
        "name",
        "email",
        "consent_to_publish",
        "is_late",
        "received_at",
        "row_key",
    )

    def __init__(self, consultation: Consultation, user) -> None:
        now = timezone.now()
        template = Response(
            consultation=consultation,
            channel=Channel.OFFLINE_IMPORT,
            entered_by=user,
            submitted_at=now,
            received_at=now,
        )
        self.consultation = consultation
        self.closes_at = consultation.closes_at
        self.fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
        self.constant = {
            f.attname: f.get_db_prep_save(f.pre_save(template, add=True), connection)
            for f in self.fields
            if f.name not in self.PER_ROW
        }
        self.received = Response._meta.get_field("received_at")
        self.columns = [f.column for f in self.fields]

    def run(self, rows: list[tuple[str, ParsedRow]]) -> dict[str, int]:
        """Insert (row key, row) pairs; the new responses' ids by row key."""
        if not rows:
            return {}
        given = {row.fields["reference"] for _, row in rows if row.fields["reference"]}
        fresh = iter(_fresh_references(sum(1 for _, r in rows if not r.fields["reference"]), given))
        params = []
        for key, row in rows:
            f = row.fields
            values = dict(self.constant)
            values.update(
                reference=f["reference"] or next(fresh),
                token_hash=new_token_hash(),
                respondent_type=f["respondent_type"],
                group=f["group"],
                organisation=f["organisation"],
                name=f["name"],
                email=f["email"],
                consent_to_publish=f["consent_to_publish"],
                is_late=f["received_at"] > self.closes_at,
                received_at=self.received.get_db_prep_save(f["received_at"], connection),
                row_key=key,
            )
            params.append([values[field.attname] for field in self.fields])
        keys = [key for key, _ in rows]
        if connection.vendor == "postgresql":
            # ids drawn from the table's sequence first, so COPY needs no look-up afterwards
            # (PostgreSQL plans a 900-key look-up on a table filled inside this transaction,
            # with no statistics yet, as a scan of the whole table)
            table = Response._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, Response._meta.pk.column, len(params)],
                )
                ids = [i for (i,) in cursor.fetchall()]
            _insert_rows(
                table,
                [Response._meta.pk.column, *self.columns],
                [[i, *p] for i, p in zip(ids, params, strict=True)],
            )
            return dict(zip(keys, ids, strict=True))
        _insert_rows(Response._meta.db_table, self.columns, params)
        # row keys are unique within a file, and rows already stored were skipped before
        return dict(
            Response.objects.filter(consultation=self.consultation, row_key__in=keys).values_list(
                "row_key", "pk"
            )
        )


def _fresh_references(n: int, avoid: set[str]) -> list[str]:
    """`n` new response references, distinct, unused and not in `avoid`. References are short
    (8 characters from 32, about 10^12 of them), so among a million responses two random ones
    collide about every other time: each is checked against those stored, in one query."""
    chosen: set[str] = set()
    while len(chosen) < n:
        candidates = {new_reference() for _ in range(n - len(chosen))} - chosen - avoid
        taken = set(
            Response.objects.filter(reference__in=candidates).values_list("reference", flat=True)
        )
        chosen |= candidates - taken
    return list(chosen)


def _insert_answers(rows: Iterable[tuple[int, int, list[str], str]], keyed: bool) -> None:
    """Insert answers (response id, question id, choices, text) with one parameterised statement
    run for the whole batch: building and compiling an ORM object per answer was half the
    import's time. With `keyed`, each gets its campaign key (`template_key`) here, once."""
    choices = Answer._meta.get_field("choices")
    names = ["response", "question", "choices", "text", "text_key"]
    params = [
        (
            response_id,
            question_id,
            choices.get_db_prep_save(chosen, connection),
            text,
            template_key(text) if text and keyed else None,
        )
        for response_id, question_id, chosen, text in rows
    ]
    _insert_rows(Answer._meta.db_table, [Answer._meta.get_field(n).column for n in names], params)


def _insert_rows(table: str, columns: list[str], rows: list) -> None:
    """Rows into one table in one go: COPY on PostgreSQL (one stream, no statement per row),
    one executemany elsewhere."""
    if not rows:
        return
    quote = connection.ops.quote_name
    into = f"{quote(table)} ({', '.join(quote(c) for c in columns)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {into} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {into} VALUES ({', '.join(['%s'] * len(columns))})", rows
            )


class RowKeys:
    """Row keys that make re-importing a file (or a later export holding more rows) harmless.

    A row's key is a 64-bit hash of its content as read (date, reference, respondent, answers)
    and the number of earlier rows in the same file with the same content: two identical rows
    from two people (campaign copies) get keys ...-0 and ...-1 and are both kept, while
    importing the file again meets the same keys and skips the rows. Memory stays small for a
    million rows: counts live in a sorted numpy array (12 bytes per distinct row) with a small
    dict of recent hashes merged into it."""

    MERGE_AT = 65_536

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)
        self.counts = np.empty(0, dtype=np.uint32)
        self.recent: dict[int, int] = {}

    @staticmethod
    def content(row: ParsedRow) -> int:
        f = row.fields
        parts = [
            f["received_at"].date().isoformat(),
            f["reference"],
            f["respondent_type"],
            f["organisation"],
            f["group"],
            f["name"],
            f["email"],
            "y" if f["consent_to_publish"] else "n",
        ]
        for qid in sorted(row.answers):
            answer = row.answers[qid]
            parts += [str(qid), "\x1f".join(answer["choices"]), answer["text"]]
        digest = hashlib.blake2b("\x1e".join(parts).encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big")

    def seen(self, content: int) -> int:
        """How many times `content` was seen before; records this sighting."""
        before = self.recent.get(content)
        if before is None:
            before = 0
            if len(self.hashes):
                at = int(np.searchsorted(self.hashes, np.uint64(content)))
                if at < len(self.hashes) and int(self.hashes[at]) == content:
                    before = int(self.counts[at])
        self.recent[content] = before + 1
        if len(self.recent) >= self.MERGE_AT:
            self._merge()
        return before

    def _merge(self) -> None:
        hashes = np.concatenate(
            [self.hashes, np.fromiter(self.recent, dtype=np.uint64, count=len(self.recent))]
        )
        counts = np.concatenate(
            [
                self.counts,
                np.fromiter(self.recent.values(), dtype=np.uint32, count=len(self.recent)),
            ]
        )
        order = np.argsort(hashes, kind="stable")  # an old count precedes its update
        hashes, counts = hashes[order], counts[order]
        last = np.ones(len(hashes), dtype=bool)
        last[:-1] = hashes[1:] != hashes[:-1]
        self.hashes, self.counts = hashes[last], counts[last]
        self.recent.clear()

    def key(self, row: ParsedRow) -> str:
        content = self.content(row)
        return f"{content:016x}-{self.seen(content)}"
