"""Plain-English reasons: every point a framework awards is explained by indicator, value and
comparison, e.g. "usable reserves 2.1% of net revenue expenditure, lowest of its 15 nearest
neighbours (median 14%)". Councillors and chief executives must be able to check each flag."""

from __future__ import annotations

from .framework import Band, Framework, Indicator

OFSTED = {1: "outstanding", 2: "good", 3: "requires improvement", 4: "inadequate"}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "not known"
    if unit == "ratio":
        return f"{value * 100:.{_digits(value * 100)}f}%"
    if unit == "percent":
        return f"{value:.{_digits(value)}f}%"
    if unit == "percent_of_nre":
        return share_of_nre(value)
    if unit == "change":
        verb = "fell" if value < 0 else "rose"
        return f"{verb} by {abs(value):.0f}%"
    if unit == "years":
        return f"{value:.1f} years" if value < 100 else "100 years or more"
    if unit == "count":
        return f"{value:.0f}"
    if unit == "ofsted":
        return OFSTED.get(round(value), f"{value:g}")
    if unit == "z":
        return f"{value:+.1f}"
    return f"{value:,.{_digits(value)}f}"


def share_of_nre(percent: float) -> str:
    """A share of net revenue expenditure in words a councillor reads at a glance: "45% of net
    revenue expenditure" below 100%, "3.2 times net revenue expenditure" from 100% up."""
    if abs(percent) >= 100:
        times = percent / 100
        return (
            f"{times:.1f} times net revenue expenditure"
            if abs(times) < 10
            else (f"{times:.0f} times net revenue expenditure")
        )
    return f"{percent:.{_digits(percent)}f}% of net revenue expenditure"


def _digits(value: float) -> int:
    return 0 if abs(value) >= 100 else 1


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _matching_band(indicator: Indicator, value: float) -> Band | None:
    for band in indicator.bands:
        checks = [
            band.eq is None or value == band.eq,
            band.gt is None or value > band.gt,
            band.ge is None or value >= band.ge,
            band.lt is None or value < band.lt,
            band.le is None or value <= band.le,
        ]
        if all(checks):
            return band
    return None


def indicator_reason(indicator: Indicator, row: dict) -> str | None:
    """One sentence for one scored indicator of one entity (None if it scored no points)."""
    points = row.get(f"{indicator.code}__points")
    value = row.get(indicator.code)
    if value is None or (not points and indicator.scoring != "linear"):
        return None
    if indicator.scale is not None and points < 0.5:
        return None  # rounds to no points: nothing to explain
    text_value = format_value(value, indicator.unit)
    period = row.get(f"{indicator.code}__period") or row.get(f"{indicator.measure.strip()}__period")
    when = f" in {period}" if period else ""
    subject = indicator.name_in_text
    if indicator.scoring == "peer_z":
        n = int(row.get(f"{indicator.code}__peer_n") or 0)
        position = int(row.get(f"{indicator.code}__peer_position") or 0)
        median = format_value(row.get(f"{indicator.code}__peer_median"), indicator.unit)
        direction = "lowest" if indicator.polarity == "low_is_bad" else "highest"
        if position == 1:
            where = f"{direction} of its {n} nearest neighbours"
        else:
            where = f"{_ordinal(position)} {direction} against its {n} nearest neighbours"
        return _render(indicator, subject, text_value, when, f"{where} (median {median})")
    if indicator.scale is not None:
        scale = indicator.scale
        comparison = f"{points:.0f} of {scale.points:g} points"
        return _render(indicator, subject, text_value, when, comparison, _detail(indicator, row))
    band = _matching_band(indicator, value)
    if band is not None and band.label:
        comparison = band.label
    elif band is not None:
        comparison = band.describe(lambda v: format_value(v, indicator.unit))
        comparison = f"in the band {comparison}"
    elif indicator.scoring == "linear":
        comparison = "ranked on this value alone"
    else:
        comparison = "flagged"
    return _render(indicator, subject, text_value, when, comparison, _detail(indicator, row))


def _detail(indicator: Indicator, row: dict) -> str:
    return str(row.get(f"{indicator.measure.strip()}__detail") or "")


def _render(
    indicator: Indicator, subject: str, value: str, when: str, comparison: str, detail: str = ""
) -> str:
    if indicator.reason:
        return indicator.reason.format(
            subject=subject,
            value=value,
            period=when.removeprefix(" in "),
            comparison=comparison,
            detail=detail,
        )
    return f"{subject} {value}{when}, {comparison}"


def reasons_for(framework: Framework, row: dict, limit: int | None = None) -> list[str]:
    """Reasons for one scored row, most points first."""
    scored = []
    for indicator in framework.indicators:
        if framework.combine == "weighted_sum" and indicator.weight == 0:
            continue  # shown on the council page, but not a reason: it does not count
        text = indicator_reason(indicator, row)
        if text:
            weight = indicator.weight if framework.combine == "weighted_sum" else 1.0
            scored.append((-(row.get(f"{indicator.code}__points") or 0) * weight, text))
    scored.sort(key=lambda item: item[0])
    texts = _merge_same_figure([text for _, text in scored])
    return texts[:limit] if limit else texts


def _merge_same_figure(texts: list[str]) -> list[str]:
    """Two reasons about the same figure become one: "usable reserves 1.2% in 2017-18, lowest of
    its 15 nearest neighbours (median 33.7%), and at or below 5% of net revenue expenditure"."""
    merged: list[str] = []
    heads: dict[str, int] = {}
    for text in texts:
        head, sep, tail = text.partition(", ")
        if sep and head in heads:
            merged[heads[head]] += f", and {tail}"
            continue
        if sep:
            heads[head] = len(merged)
        merged.append(text)
    return merged


def flags_for(framework: Framework, row: dict) -> list[str]:
    counted = [
        i
        for i in framework.indicators
        if not (framework.combine == "weighted_sum" and i.weight == 0)
    ]
    return [i.code for i in counted if i.is_flag(row.get(f"{i.code}__points"))]
