"""FSMS reproduction: workbook in, scores out, through the same engine as every framework."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from apps.early_warning import fsms
from apps.early_warning.engine import Framework, score_frame


@dataclass
class WorkbookScores:
    path: Path
    framework: Framework
    inputs: pl.DataFrame
    scores: pl.DataFrame  # entity, name, per-indicator measures and points, score, band
    published: pl.DataFrame | None = None


def score_workbook(path: Path, *, with_published: bool = True) -> WorkbookScores:
    """Detect the workbook's kind from its content, read raw inputs, score with the engine."""
    path = Path(path)
    sheets = fsms.read_workbook(path)
    framework = fsms.detect_framework(path, sheets)
    inputs = fsms.framework_inputs(path, framework, sheets)
    scores = score_frame(framework, inputs)
    published = None
    if with_published and "Summary" in sheets:
        published = fsms.published_summary(path, sheets)
    return WorkbookScores(path, framework, inputs, scores, published)


def agreement(result: WorkbookScores) -> dict:
    """How many entities the Comptroller scored get the same score and designation from us."""
    if result.published is None:
        return {"compared": 0, "agree": 0, "share": 0.0, "mismatches": pl.DataFrame()}
    published = result.published.filter(pl.col("published_score").is_not_null())
    joined = published.join(result.scores, on="entity", how="left")
    same = (
        ((pl.col("score") - pl.col("published_score")).abs() < 0.05)
        & (pl.col("band").str.to_lowercase() == pl.col("published_designation").str.to_lowercase())
    ).fill_null(False)
    joined = joined.with_columns(same.alias("agrees"))
    agree = int(joined["agrees"].sum())
    compared = joined.height
    return {
        "compared": compared,
        "agree": agree,
        "share": agree / compared if compared else 0.0,
        "mismatches": joined.filter(~pl.col("agrees")),
    }
