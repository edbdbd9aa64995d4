"""Frameworks as data: a TOML file the sector can read, agree and version.

A framework names its indicators, says how each is measured (a SQL expression over input columns,
so the arithmetic is written where people can read it), how each measure is scored (point bands with
explicit inclusive/exclusive edges, robust peer-relative z-scores, thresholds), how the points
combine, and which designation band a total falls into. Loading validates everything up front so a
mistake in a framework file is reported with the file and the indicator that is wrong.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FRAMEWORKS_DIR = Path(__file__).resolve().parent.parent / "frameworks"

SCORING_METHODS = {"bands", "peer_z", "linear", "scale"}
COMBINE_METHODS = {"sum", "weighted_sum", "max"}
POLARITIES = {"high_is_bad", "low_is_bad"}
EDGE_KEYS = ("gt", "ge", "lt", "le", "eq")


class FrameworkError(ValueError):
    """A framework file that cannot be used, with the file and the place named."""


@dataclass(frozen=True)
class Band:
    """One point band: the value must satisfy every edge given (gt/ge/lt/le/eq)."""

    points: float
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    eq: float | None = None
    label: str = ""

    def describe(self, fmt) -> str:
        """The band's edges in words, e.g. 'more than 0% and at most 3.33%'."""
        parts = []
        if self.eq is not None:
            parts.append(f"exactly {fmt(self.eq)}")
        if self.gt is not None:
            parts.append(f"more than {fmt(self.gt)}")
        if self.ge is not None:
            parts.append(f"at least {fmt(self.ge)}")
        if self.lt is not None:
            parts.append(f"less than {fmt(self.lt)}")
        if self.le is not None:
            parts.append(f"at most {fmt(self.le)}")
        return " and ".join(parts) or "any value"


@dataclass(frozen=True)
class Scale:
    """Points that grow steadily with the measure: none at `zero_at`, all `points` at `full_at`
    (and beyond), in proportion between (on a log scale when `log`, so that each halving of
    reserves adds the same points). A points scorecard that ranks every council, with no cliff
    at a band edge, and still explainable in one sentence."""

    zero_at: float
    full_at: float
    points: float
    log: bool = False
    flag_share: float = 0.5  # a council is "flagged" on this indicator from this share of points

    def describe(self, fmt) -> str:
        return f"none at {fmt(self.zero_at)}, all {self.points:g} at {fmt(self.full_at)}"


@dataclass(frozen=True)
class Variant:
    """Bands that apply only to entities matching `when` (a SQL condition), e.g. towns."""

    when: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Indicator:
    code: str
    title: str
    measure: str
    scoring: str = "bands"
    unit: str = "ratio"  # ratio (shown as %), percent, number, count, years, z
    polarity: str = "high_is_bad"
    weight: float = 1.0
    cap: float | None = None
    bands: tuple[Band, ...] = ()
    variants: tuple[Variant, ...] = ()
    scale: Scale | None = None
    missing_points: float | None = None
    round_measure: int | None = None
    min_peers: int = 5
    description: str = ""
    phrase: str = ""  # how a reason names the indicator, e.g. "usable reserves"
    counts_as_data: bool = True  # False for note counts: they never make data "sufficient"
    pillar: str = ""  # a group of indicators weighted together (calibration works per pillar)
    reason: str = ""  # template: {subject} {value} {period} {comparison} {median} {n}

    @property
    def max_points(self) -> float | None:
        """The most points the indicator can give (None for unbounded linear baselines)."""
        if self.scale is not None:
            return self.scale.points
        points = [b.points for b in self.bands] + [b.points for v in self.variants for b in v.bands]
        if not points:
            return None
        top = max(points)
        return min(top, self.cap) if self.cap is not None else top

    def is_flag(self, points: float | None) -> bool:
        """Whether these points count as a flag: any points for bands; for a scale, at least its
        flag share of the maximum (every council has some points on a continuous scale)."""
        if not points or points <= 0:
            return False
        if self.scale is not None:
            return points >= self.scale.flag_share * self.scale.points - 1e-9
        return True

    @property
    def name_in_text(self) -> str:
        return self.phrase or self.title[:1].lower() + self.title[1:]


@dataclass(frozen=True)
class Designation:
    label: str
    min_score: float
    tag: str = "grey"


@dataclass(frozen=True)
class Framework:
    name: str
    title: str
    version: str
    status: str
    description: str
    indicators: tuple[Indicator, ...]
    designations: tuple[Designation, ...]
    combine: str = "sum"
    cap: float | None = None
    round_points: int | None = None
    round_total: int | None = None
    min_indicators: int = 1
    insufficient_label: str = "insufficient data"
    no_designation_label: str = "No designation"
    changelog: tuple[dict[str, str], ...] = ()
    notes: str = ""
    source: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def __deepcopy__(self, memo: dict) -> Framework:
        """Itself: a framework is read-only and shared (load_framework caches it). pandas deep-
        copies a frame's attrs on every selection, and the watchlist frame carries its
        framework there: copying it took 130 ms of each API watchlist request."""
        return self

    def indicator(self, code: str) -> Indicator:
        for item in self.indicators:
            if item.code == code:
                return item
        raise KeyError(code)

    def designation_for(self, score: float | None) -> str:
        if score is None:
            return self.insufficient_label
        for band in sorted(self.designations, key=lambda d: -d.min_score):
            if score >= band.min_score:
                return band.label
        return self.no_designation_label

    def tag_for(self, label: str) -> str:
        for band in self.designations:
            if band.label == label:
                return band.tag
        return "grey"

    def band_rule(self, label: str) -> str:
        """The score a band needs, in words: "score 38 or more", "score 24 to 29.9"."""
        ordered = sorted(self.designations, key=lambda d: -d.min_score)
        for i, band in enumerate(ordered):
            if band.label == label:
                if i == 0:
                    return f"score {band.min_score:g} or more"
                return f"score {band.min_score:g} to under {ordered[i - 1].min_score:g}"
        if label == self.no_designation_label and ordered:
            return f"score under {ordered[-1].min_score:g}"
        if label == self.insufficient_label:
            return f"fewer than {self.min_indicators} indicators with recent figures"
        return ""

    @property
    def band_order(self) -> list[str]:
        """Labels from most to least concern, then no designation and insufficient data."""
        ordered = [d.label for d in sorted(self.designations, key=lambda d: -d.min_score)]
        return ordered + [self.no_designation_label, self.insufficient_label]


def _band(raw: dict, where: str) -> Band:
    unknown = set(raw) - set(EDGE_KEYS) - {"points", "label"}
    if unknown:
        raise FrameworkError(f"{where}: unknown band key(s) {sorted(unknown)}")
    if "points" not in raw:
        raise FrameworkError(f"{where}: a band needs 'points'")
    values = {k: float(raw[k]) for k in EDGE_KEYS if raw.get(k) is not None}
    return Band(points=float(raw["points"]), label=str(raw.get("label", "")), **values)


def _scale(raw: dict | None, where: str) -> Scale:
    if not isinstance(raw, dict):
        raise FrameworkError(
            f"{where}: scoring 'scale' needs scale = {{ zero_at, full_at, points }}"
        )
    unknown = set(raw) - {"zero_at", "full_at", "points", "log", "flag_share"}
    if unknown:
        raise FrameworkError(f"{where}: unknown scale key(s) {sorted(unknown)}")
    missing = [k for k in ("zero_at", "full_at", "points") if k not in raw]
    if missing:
        raise FrameworkError(f"{where}: scale lacks {', '.join(missing)}")
    zero, full = float(raw["zero_at"]), float(raw["full_at"])
    if zero == full:
        raise FrameworkError(f"{where}: scale zero_at and full_at must differ")
    log = bool(raw.get("log", False))
    if log and (zero <= 0 or full <= 0):
        raise FrameworkError(f"{where}: a log scale needs zero_at and full_at above 0")
    return Scale(zero, full, float(raw["points"]), log, float(raw.get("flag_share", 0.5)))


def _indicator(raw: dict, where: str) -> Indicator:
    for key in ("code", "title", "measure"):
        if key not in raw:
            raise FrameworkError(f"{where}: indicator lacks {key!r}")
    where = f"{where} ({raw['code']})"
    scoring = raw.get("scoring", "bands")
    if scoring not in SCORING_METHODS:
        raise FrameworkError(f"{where}: scoring must be one of {sorted(SCORING_METHODS)}")
    polarity = raw.get("polarity", "high_is_bad")
    if polarity not in POLARITIES:
        raise FrameworkError(f"{where}: polarity must be one of {sorted(POLARITIES)}")
    bands = tuple(_band(b, f"{where} band {i + 1}") for i, b in enumerate(raw.get("bands", [])))
    variants = tuple(
        Variant(
            when=str(v["when"]),
            bands=tuple(_band(b, f"{where} variant {j + 1}") for b in v.get("bands", [])),
        )
        for j, v in enumerate(raw.get("variants", []))
    )
    scale = _scale(raw.get("scale"), where) if scoring == "scale" else None
    if not bands and not variants and scoring not in ("linear", "scale"):
        raise FrameworkError(f"{where}: give 'bands' (or 'variants' with bands)")
    return Indicator(
        code=str(raw["code"]),
        title=str(raw["title"]),
        measure=str(raw["measure"]),
        scoring=scoring,
        unit=str(raw.get("unit", "ratio")),
        polarity=polarity,
        weight=float(raw.get("weight", 1.0)),
        cap=float(raw["cap"]) if "cap" in raw else None,
        bands=bands,
        variants=variants,
        scale=scale,
        missing_points=float(raw["missing_points"]) if "missing_points" in raw else None,
        round_measure=int(raw["round_measure"]) if "round_measure" in raw else None,
        min_peers=int(raw.get("min_peers", 5)),
        description=str(raw.get("description", "")),
        phrase=str(raw.get("phrase", "")),
        counts_as_data=bool(raw.get("counts_as_data", True)),
        pillar=str(raw.get("pillar", "")),
        reason=str(raw.get("reason", "")),
    )


def parse_framework(data: dict, *, path: Path | None = None) -> Framework:
    where = path.name if path else "framework"
    meta = data.get("framework", {})
    for key in ("name", "title", "version", "status"):
        if key not in meta:
            raise FrameworkError(f"{where}: [framework] lacks {key!r}")
    indicators = tuple(
        _indicator(raw, f"{where} indicator {i + 1}")
        for i, raw in enumerate(data.get("indicator", []))
    )
    if not indicators:
        raise FrameworkError(f"{where}: no [[indicator]] tables")
    codes = [i.code for i in indicators]
    if len(set(codes)) != len(codes):
        raise FrameworkError(f"{where}: indicator codes must be unique")
    combine = data.get("combine", {})
    method = combine.get("method", "sum")
    if method not in COMBINE_METHODS:
        raise FrameworkError(f"{where}: combine.method must be one of {sorted(COMBINE_METHODS)}")
    designations = tuple(
        Designation(label=str(d["label"]), min_score=float(d["min"]), tag=str(d.get("tag", "grey")))
        for d in data.get("designation", [])
    )
    return Framework(
        name=str(meta["name"]),
        title=str(meta["title"]),
        version=str(meta["version"]),
        status=str(meta["status"]),
        description=str(meta.get("description", "")),
        notes=str(meta.get("notes", "")),
        indicators=indicators,
        designations=designations,
        combine=method,
        cap=float(combine["cap"]) if "cap" in combine else None,
        round_points=combine.get("round_points"),
        round_total=combine.get("round_total"),
        min_indicators=int(combine.get("min_indicators", 1)),
        insufficient_label=str(combine.get("insufficient_label", "insufficient data")),
        no_designation_label=str(combine.get("no_designation_label", "No designation")),
        changelog=tuple(data.get("changelog", [])),
        source=dict(data.get("source", {})),
        path=path,
    )


def load_framework(name_or_path: str | Path) -> Framework:
    """Load a shipped framework by name (file stem or [framework].name) or any TOML path."""
    candidate = Path(name_or_path)
    if candidate.suffix != ".toml":
        candidate = FRAMEWORKS_DIR / f"{name_or_path}.toml"
        if not candidate.exists():
            for path in FRAMEWORKS_DIR.glob("*.toml"):
                if _meta_name(path) == str(name_or_path):
                    candidate = path
                    break
    if not candidate.exists():
        known = ", ".join(sorted(available_frameworks()))
        raise FrameworkError(f"no framework {str(name_or_path)!r}; shipped: {known}")
    stat = candidate.stat()
    return _load_file(candidate, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _load_file(candidate: Path, mtime_ns: int, size: int) -> Framework:
    """Parsed once per version of the file (a page asks for its framework several times); an
    edited file has a new modification time or size, so it is read again."""
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"{candidate.name}: not valid TOML ({exc})") from exc
    return parse_framework(data, path=candidate)


def _meta_name(path: Path) -> str:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))["framework"]["name"]
    except (KeyError, tomllib.TOMLDecodeError):
        return ""


def available_frameworks() -> dict[str, Path]:
    return {path.stem: path for path in sorted(FRAMEWORKS_DIR.glob("*.toml"))}
