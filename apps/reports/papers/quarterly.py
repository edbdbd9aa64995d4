"""Early warning and sector-led support, quarterly: where councils stand on the recommended
framework as at a date, who entered and left each band since the last paper, the top of the
watchlist with its reasons, a map of England (London enlarged), band counts over two years and
how far each data source reaches.

Everything in the body comes from published data only (the watchlist is computed without soft
intelligence); the confidential annex adds which of the councils at the top have an open
engagement, and in what state, as at the same date.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from apps.reports.documents import OFFICIAL, Chart, Section, count, number
from apps.reports.papers import Content, charts, months_before, table_section

TOP = 10
COLOUR_NAMES = {
    "#d4351c": "red",
    "#f47738": "orange",
    "#ffdd00": "yellow",
    "#00703c": "green",
    "#b1b4b6": "grey",
    "#cce2d8": "pale green",
    "#f3f2f1": "pale grey",
}
TREND_QUARTERS = 8


def _watchlist(as_at: dt.date, framework: str | None) -> pd.DataFrame:
    from apps.early_warning.services.watchlist import compute_watchlist

    return compute_watchlist(as_at, framework, include_notes=False)


def band_changes(before: pd.DataFrame, after: pd.DataFrame, order: list[str]) -> list[dict]:
    """For each band: councils in it then and now, and who entered and who left (by name).
    A council that did not exist at the earlier date enters from nowhere; one abolished since
    leaves to nowhere."""
    then = dict(zip(before["gss_code"], before["band"], strict=True))
    now = dict(zip(after["gss_code"], after["band"], strict=True))
    names = dict(zip(before["gss_code"], before["name"], strict=True)) | dict(
        zip(after["gss_code"], after["name"], strict=True)
    )
    rows = []
    for band in order:
        was = {g for g, b in then.items() if b == band}
        is_ = {g for g, b in now.items() if b == band}
        rows.append(
            {
                "band": band,
                "then": len(was),
                "now": len(is_),
                "entered": sorted(names[g] for g in is_ - was),
                "left": sorted(names[g] for g in was - is_),
            }
        )
    return rows


def source_reach(as_at: dt.date) -> list[dict]:
    """For each data source: the latest period known on `as_at`, when it became public, and how
    many councils have a figure for it."""
    from apps.indicators.services.point_in_time import catalogue, observations_known_on

    known = observations_known_on(as_at)
    if known.empty:
        return []
    catalogue_frame = catalogue()
    published = catalogue_frame[~catalogue_frame["is_derived"].astype(bool)]
    sources = published.set_index("code")["source"]
    known = known.assign(source=known["indicator"].map(sources)).dropna(subset=["source"])
    rows = []
    for source, group in known.groupby("source"):
        latest = group[group["period_end"] == group["period_end"].max()]
        rows.append(
            {
                "source": source,
                "period": ", ".join(sorted(set(latest["period"]))),
                "period_end": latest["period_end"].max(),
                "published": latest["published"].max(),
                "councils": latest["gss_code"].nunique(),
            }
        )
    return sorted(rows, key=lambda r: r["source"])


def source_titles() -> dict[str, str]:
    import tomllib
    from pathlib import Path

    from django.apps import apps

    path = Path(apps.get_app_config("indicators").path) / "sources.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {key: value.get("title", key) for key, value in data.items()}


class EarlyWarningQuarterly:
    key = "early_warning_quarterly"
    label = "Early warning and sector-led support, quarterly"
    description = (
        "Councils entering and leaving each band since the last paper, the top of the "
        "watchlist with reasons, a map of England, trends and how far each data source reaches."
    )
    classification = OFFICIAL
    purpose = "decision"

    def default_title(self, as_at: dt.date, options: dict) -> str:
        return f"Early warning and sector-led support: quarterly report to {as_at:%-d %B %Y}"

    def build(
        self, as_at: dt.date, since: dt.date | None, options: dict, *, with_annex: bool
    ) -> Content:
        from apps.early_warning.services.geo import band_colours, band_map

        framework = options.get("framework")
        since = since or months_before(as_at, 3)
        now = _watchlist(as_at, framework)
        before = _watchlist(since, framework)
        fw = now.attrs["framework"]
        order = fw.band_order
        concern = [d.label for d in sorted(fw.designations, key=lambda d: -d.min_score)]
        changes = band_changes(before, now, order)
        in_concern = now[now["band"].isin(concern)]
        scored = int(now["score"].notna().sum())

        standing = table_section(
            "Where councils stand",
            [
                f"As at {as_at:%-d %B %Y}, {count(len(now), 'council')} existed in England; "
                f"{number(scored)} had enough published data to be scored on the "
                f"{fw.title} (version {fw.version}). {count(len(in_concern), 'council')} "
                f"{'is' if len(in_concern) == 1 else 'are'} in a band of concern "
                f"({', '.join(concern)}).",
                f"Changes are measured against {since:%-d %B %Y}, the date of the last paper's "
                "figures. Each figure uses only what had been published by its date, so the "
                "paper reads the same whenever it is opened.",
            ],
            f"Councils in each band, {since:%-d %b %Y} and {as_at:%-d %b %Y}",
            ["Band", f"{since:%-d %b %Y}", f"{as_at:%-d %b %Y}", "In", "Out"],
            [[r["band"], r["then"], r["now"], len(r["entered"]), len(r["left"])] for r in changes],
        )
        movers = table_section(
            "Councils entering and leaving the bands of concern",
            [
                "Councils that entered or left each band of concern since the last paper. "
                "Movements between 'no designation' and 'insufficient data' follow the "
                "publication of new figures and are counted in the table above."
            ],
            f"Movements since {since:%-d %B %Y}",
            ["Band", "Entered", "Left"],
            [
                [r["band"], "; ".join(r["entered"]) or "None", "; ".join(r["left"]) or "None"]
                for r in changes
                if r["band"] in concern
            ],
        )
        top = now[now["score"].notna()].head(TOP)
        watch = table_section(
            "The top of the watchlist",
            [
                f"The {len(top)} councils of most concern as at {as_at:%-d %B %Y}, with the "
                "main reasons the framework gives (from published finance, service and "
                "inspection data; soft intelligence is not used in this paper)."
            ],
            f"Top {len(top)} of the watchlist as at {as_at:%-d %B %Y}",
            ["Rank", "Council", "Band", "Score", "Main reasons"],
            [
                [
                    int(row["rank"]),
                    row["name"],
                    row["band"],
                    number(row["score"]),
                    "; ".join(list(row["top_reasons"])[:2]),
                ]
                for _, row in top.iterrows()
            ],
        )
        colours = band_colours(fw)
        band_counts = {r["band"]: r["now"] for r in changes}
        svg, _ = band_map(dict(zip(now["gss_code"], now["band"], strict=True)), fw, as_at)
        key = "; ".join(
            f"{band} {COLOUR_NAMES.get(colours[band], colours[band])}" for band in order
        )
        geography = Section(
            heading="Map",
            paragraphs=[
                "Each district is shaded by its own council's band (in two-tier areas the "
                "district council's; the county's is in the watchlist). Where today's council "
                "did not exist yet, the district takes the worst band among the councils it "
                "replaced.",
                f"Key: {key}.",
            ],
            charts=[
                Chart(
                    title=f"{fw.title}: bands as at {as_at:%-d %B %Y}",
                    svg=svg,
                    alt="Map of England's districts shaded by band, London enlarged: "
                    + "; ".join(f"{band} {band_counts[band]}" for band in order)
                    + " councils. The first table gives the same counts.",
                )
            ],
        )
        quarters = [months_before(as_at, 3 * k) for k in range(TREND_QUARTERS - 1, -1, -1)]
        trend = {band: [] for band in concern}
        for day in quarters:
            frame = _watchlist(day, framework)
            tally = frame["band"].value_counts()
            for band in concern:
                trend[band].append(int(tally.get(band, 0)))
        labels = [f"{d:%b %Y}" for d in quarters]
        trends = table_section(
            "Trends",
            [
                "Councils in each band of concern at the end of each of the last "
                f"{TREND_QUARTERS} quarters, each computed with the data published by then."
            ],
            "Councils in each band of concern, by quarter",
            ["Quarter to", *concern],
            [[label, *(trend[b][i] for b in concern)] for i, label in enumerate(labels)],
            chart=charts.lines(
                labels,
                trend,
                title="Councils in each band of concern, by quarter",
                ylabel="Councils",
                alt="Line chart of councils in each band of concern by quarter: "
                + "; ".join(f"{b} from {v[0]} to {v[-1]}" for b, v in trend.items())
                + ". The table gives every figure.",
            ),
        )
        titles = source_titles()
        reach = source_reach(as_at)
        data = table_section(
            "How far the data reaches",
            [
                "The latest period each source had reached by the paper's date. Councils are "
                "scored on figures no older than the framework allows; older figures leave a "
                "council with insufficient data."
            ],
            f"Latest period of each source known on {as_at:%-d %B %Y}",
            ["Source", "Latest period", "Published", "Councils with figures"],
            [
                [
                    titles.get(r["source"], r["source"]),
                    r["period"],
                    f"{r['published']:%-d %b %Y}",
                    r["councils"],
                ]
                for r in reach
            ],
        )
        entered = sum(len(r["entered"]) for r in changes if r["band"] in concern)
        left = sum(len(r["left"]) for r in changes if r["band"] in concern)
        leader = in_concern.head(3)["name"].tolist()
        summary = [
            f"This paper reports the early-warning watchlist as at {as_at:%-d %B %Y}. "
            f"{count(len(in_concern), 'council')} {'is' if len(in_concern) == 1 else 'are'} in a "
            f"band of concern; since {since:%-d %B %Y}, {count(entered, 'movement')} into those "
            f"bands and {count(left, 'movement')} out of them were recorded.",
        ]
        if leader:
            summary.append(f"The councils of most concern are {', '.join(leader)}.")
        content = Content(
            sections=[standing, movers, watch, geography, trends, data],
            summary=summary,
            recommendations=[
                "Note the councils entering and leaving the bands of concern.",
                "Agree that regional associates open a first conversation with each council "
                "newly in the highest band.",
            ],
            background=[
                "The framework agreed by the Board judges each council against its nearest "
                "neighbours on published indicators and explains every flag. This paper is "
                "the quarterly account of what it shows."
            ],
            financial_implications="This work can be carried out within existing budgets.",
        )
        if with_annex:
            content.annex = [_engagement_annex(top, as_at)]
        return content


def _engagement_annex(top: pd.DataFrame, as_at: dt.date) -> Section:
    """Which councils at the top of the watchlist the sector is engaged with, as at the date."""
    from apps.engagements.models import DEMO_MARK
    from apps.reports.papers.case_state import states_as_at

    states = states_as_at(as_at)
    states["label"] = states["label"] + states["is_demo"].map({True: DEMO_MARK, False: ""})
    rows = []
    for _, row in top.iterrows():
        mine = states[(states["gss_code"] == row["gss_code"]) & states["open"]]
        rows.append(
            [
                int(row["rank"]),
                row["name"],
                "; ".join(mine["label"]) if not mine.empty else "No open engagement",
            ]
        )
    return table_section(
        "Engagement with the councils at the top of the watchlist",
        ["Case status is confidential to the sector's improvement staff."],
        f"Open engagements as at {as_at:%-d %B %Y}",
        ["Rank", "Council", "Engagement"],
        rows,
    )
