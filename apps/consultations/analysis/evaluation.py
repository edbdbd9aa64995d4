"""The theme_eval harness: a coded CSV plays the human coder; score the mapping of everything else.

`load_gold` reads a CSV as published (utf-8, utf-8 with BOM, then cp1252 and latin-1; comma,
semicolon or tab separated), finds the
text column and the one-hot label columns FIRST..LAST by header name, and parses flags (1/0,
1.0/0.0, TRUE/FALSE, yes/no, x, blank). Rows with empty text or no label are skipped and counted.

`GoldCoder` is the person: it holds the gold labels privately and reveals them only for the rows the
strategy asks about, never more than the budget; it counts what it revealed, so tests can prove that
no unrevealed label was read. `evaluate` runs the active-learning loop and scores the rows that were
not revealed.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from .mapping import ThemeMapper

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
TRUE_FLAGS = {"1", "1.0", "true", "t", "yes", "y", "x", "✓"}
FALSE_FLAGS = {"", "0", "0.0", "false", "f", "no", "n", "nan", "na", "none", "-"}
DEFAULT_ROUNDS = 6


class GoldFileError(ValueError):
    """A problem with the gold file, naming the file, column and row where it can."""


@dataclass
class GoldSet:
    texts: list[str]
    labels: np.ndarray  # (rows, themes) 0/1, rows already filtered
    themes: list[str]
    rows: list[int]  # file row numbers (header = 1) of the usable rows
    skipped: int
    encoding: str


def read_csv_text(path: str | Path) -> tuple[str, str]:
    """The file's text and the encoding that decoded it."""
    raw = Path(path).read_bytes()
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise GoldFileError(f"{path}: cannot decode the file")  # pragma: no cover - latin-1 never fails


def sniff_delimiter(content: str) -> str:
    """Comma unless the header line is clearly separated by semicolons or tabs (spreadsheets saved
    in European locales use ';')."""
    header = content.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def parse_flag(value: str | None, *, file: str, row: int, column: str) -> int:
    text = (value or "").strip().casefold()
    if text in TRUE_FLAGS:
        return 1
    if text in FALSE_FLAGS:
        return 0
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None and number in (0.0, 1.0):
        return int(number)
    raise GoldFileError(
        f"{file}: row {row}, column {column!r}: label value {value!r} is not 0/1 or TRUE/FALSE"
    )


def label_range(header: list[str], spec: str, file: str = "") -> list[str]:
    """Header names FIRST..LAST inclusive, from 'FIRST:LAST' (names are matched exactly, then
    ignoring case and surrounding spaces)."""
    if spec.count(":") != 1:
        # a header name may itself contain ':'; try every split point
        splits = [(spec[:i], spec[i + 1 :]) for i, ch in enumerate(spec) if ch == ":"]
        found = [(a, b) for a, b in splits if _find(header, a) is not None and _find(header, b)]
        if not found:
            raise GoldFileError(
                f"{file}: --label-columns {spec!r} must be FIRST:LAST (header names)"
            )
        first, last = found[0]
    else:
        first, last = spec.split(":")
    start, end = _find(header, first), _find(header, last)
    for name, pos in ((first, start), (last, end)):
        if pos is None:
            raise GoldFileError(f"{file}: label column {name!r} is not in the header")
    if end < start:
        raise GoldFileError(
            f"{file}: label range {spec!r} is backwards: column {last!r} comes before {first!r}"
        )
    return header[start : end + 1]


def _find(header: list[str], name: str) -> int | None:
    if name in header:
        return header.index(name)
    wanted = name.strip().casefold()
    for i, h in enumerate(header):
        if h.strip().casefold() == wanted:
            return i
    return None


def load_gold(path: str | Path, text_column: str, label_columns: str) -> GoldSet:
    file = str(path)
    try:
        content, encoding = read_csv_text(path)
    except OSError as exc:
        raise GoldFileError(f"{file}: cannot open file ({exc.strerror})") from exc
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=sniff_delimiter(content))
    header = next(reader, None)
    if not header:
        raise GoldFileError(f"{file}: the file is empty")
    header = [h.strip() for h in header]
    text_at = _find(header, text_column)
    if text_at is None:
        raise GoldFileError(f"{file}: text column {text_column!r} is not in the header")
    themes = label_range(header, label_columns, file)
    label_at = [header.index(t) for t in themes]
    texts, labels, rows, skipped = [], [], [], 0
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line is not a response
        record = record + [""] * (len(header) - len(record))
        flags = [parse_flag(record[j], file=file, row=number, column=header[j]) for j in label_at]
        text = record[text_at].strip()
        if not text or not any(flags):
            skipped += 1
            continue
        texts.append(text)
        labels.append(flags)
        rows.append(number)
    labels_array = np.array(labels, dtype=int).reshape(len(labels), len(themes))
    return GoldSet(texts, labels_array, themes, rows, skipped, encoding)


@dataclass
class GoldCoder:
    """Plays the person who codes: reveals gold labels of asked rows only, within a budget."""

    _labels: np.ndarray
    budget: int
    revealed: list[int] = field(default_factory=list)

    def reveal(self, indices: list[int]) -> np.ndarray:
        indices = [int(i) for i in indices]
        fresh = [i for i in indices if i not in set(self.revealed)]
        if len(self.revealed) + len(fresh) > self.budget:
            raise RuntimeError("the strategy asked for more codes than the budget allows")
        self.revealed.extend(fresh)
        return self._labels[indices].copy()


def code_with(
    texts: list[str],
    themes: list[str],
    coder: GoldCoder,
    budget: int,
    seed: int = 0,
    rounds: int = DEFAULT_ROUNDS,
    features=None,
    embeddings=None,
    wording=None,
):
    """The active-learning loop: the mapper chooses whom to ask, `coder` answers, in `rounds`
    batches until `budget` responses are coded. Returns the fitted `ThemeMapper`."""
    mapper = ThemeMapper(
        texts, themes, features=features, embeddings=embeddings, wording=wording, seed=seed
    )
    batch = max(1, -(-budget // max(1, rounds)))
    while len(mapper.labels) < budget:
        ask = mapper.next_to_code(min(batch, budget - len(mapper.labels)), budget=budget)
        if not ask:
            break
        mapper.code_many(ask, coder.reveal(ask))
    return mapper


def evaluate(
    gold: GoldSet,
    coded_fraction: float,
    seed: int = 0,
    rounds: int = DEFAULT_ROUNDS,
    coder: GoldCoder | None = None,
    features=None,
    embeddings=None,
    wording=None,
) -> dict:
    """Run the active-learning loop against the gold coder and score the unrevealed rows."""
    if not 0 < coded_fraction < 1:
        raise GoldFileError(f"--coded-fraction must be between 0 and 1, got {coded_fraction}")
    started = time.perf_counter()
    n = len(gold.texts)
    budget = int(np.floor(coded_fraction * n))
    if n < 2 or budget < 1:
        raise GoldFileError(f"only {n} usable rows: too few to code {coded_fraction:.0%} of them")
    coder = coder or GoldCoder(gold.labels, budget)
    mapper = code_with(
        gold.texts, gold.themes, coder, budget, seed, rounds, features, embeddings, wording
    )
    predicted = mapper.predict()
    held_out = np.setdiff1d(np.arange(n), mapper.coded_indices)
    result = score(gold.labels[held_out], predicted[held_out])
    result.update(
        themes_per_answer=round(float(predicted[held_out].sum(axis=1).mean()), 2),
        coders_themes_per_answer=round(float(gold.labels[held_out].sum(axis=1).mean()), 2),
        alpha=mapper.decoding_alpha,
    )
    result.update(
        coded=len(mapper.labels),
        evaluated=len(held_out),
        seconds=round(time.perf_counter() - started, 2),
        skipped=gold.skipped,
    )
    return result


def score(gold: np.ndarray, predicted: np.ndarray) -> dict:
    """sample-, micro- and macro-averaged F1 (sklearn), rounded to 4 places."""
    if len(gold) == 0:
        return {"sample_f1": 0.0, "micro_f1": 0.0, "macro_f1": 0.0}
    kwargs = {"zero_division": 0}
    return {
        "sample_f1": round(float(f1_score(gold, predicted, average="samples", **kwargs)), 4),
        "micro_f1": round(float(f1_score(gold, predicted, average="micro", **kwargs)), 4),
        "macro_f1": round(float(f1_score(gold, predicted, average="macro", **kwargs)), 4),
    }
