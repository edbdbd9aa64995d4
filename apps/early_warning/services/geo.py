"""Which council's band shades each district on the early-warning map (drawn by
apps.councils.maps, plain SVG, no tiles or CDN).

Shipped boundaries are 2023 local authority districts (LAD23). A county council is the union of
its districts, so the county view shades each district by its county's band (unitaries and
metropolitan or London boroughs by their own). For an earlier date, a 2023 district that did not
exist yet (a new unitary, e.g. Cumberland or Somerset in 2023) is shaded by the worst band among
the councils it replaced that existed then; the map says which areas those are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from apps.councils.maps import NO_DATA, Area, choropleth_svg, geometry

TAG_COLOURS = {
    "red": "#d4351c",
    "orange": "#f47738",
    "yellow": "#ffdd00",
    "green": "#00703c",
    "grey": "#b1b4b6",
}
NO_DESIGNATION = "#cce2d8"


def districts() -> list[tuple[str, str, list]]:
    """(LAD23 code, name, rings in longitude/latitude) for English districts, for callers that
    draw the map themselves (apps.councils.maps.choropleth_svg draws it as SVG)."""
    from apps.councils.maps import raw_districts

    return raw_districts()


@dataclass(frozen=True)
class Shade:
    band: str
    gss_code: str  # the council whose band is shown
    name: str
    via_predecessors: bool  # a district that did not exist yet, shaded by what it replaced


def _existed(council, as_at: dt.date) -> bool:
    return (council.start_date is None or council.start_date <= as_at) and (
        council.end_date is None or council.end_date > as_at
    )


def district_shades(
    bands: dict[str, str], order: list[str], as_at: dt.date, level: str
) -> dict[str, Shade]:
    """LAD23 code -> the band shown and the council it belongs to, for `bands` (council gss ->
    band) at `as_at`; level "county" shades a district by its county council."""
    from apps.councils.models import Council

    rank = {label: i for i, label in enumerate(order)}
    councils = {
        c.gss_code: c for c in Council.objects.prefetch_related("replaces").select_related("county")
    }
    shades = {}
    for district in geometry().districts:
        council = councils.get(district.code)
        candidates, via = [], False
        if council is not None:
            if _existed(council, as_at):
                candidates = [council]
            else:
                candidates = [c for c in council.replaces.all() if _existed(c, as_at)]
                via = bool(candidates)
        if level == "county":
            candidates = [
                c.county if c.county_id and c.county.gss_code in bands else c for c in candidates
            ]
        scored = [c for c in candidates if c.gss_code in bands]
        if scored:
            worst = min(scored, key=lambda c: rank.get(bands[c.gss_code], len(rank)))
            shades[district.code] = Shade(bands[worst.gss_code], worst.gss_code, worst.name, via)
    return shades


def district_shading(
    bands: dict[str, str], order: list[str], as_at: dt.date, level: str
) -> dict[str, str]:
    """LAD23 code -> band label (see district_shades)."""
    return {code: s.band for code, s in district_shades(bands, order, as_at, level).items()}


def band_colours(fw) -> dict[str, str]:
    """Fill colour for each of a framework's band labels (its designations' tags, then no
    designation and insufficient data)."""
    colours = {
        label: TAG_COLOURS.get(fw.tag_for(label), TAG_COLOURS["grey"]) for label in fw.band_order
    }
    colours[fw.no_designation_label] = NO_DESIGNATION
    colours[fw.insufficient_label] = NO_DATA
    return colours


def band_areas(
    shades: dict[str, Shade], colours: dict[str, str], href: Callable[[str], str] | None = None
) -> dict[str, Area]:
    """What the map shows per district: its band's colour, a label naming the district, the
    council whose band it is when that differs, and the band; `href(gss_code)` links it."""
    names = {d.code: d.name for d in geometry().districts}
    areas = {}
    for code, shade in shades.items():
        district = names.get(code, code)
        whose = "" if shade.name == district else f" ({shade.name})"
        areas[code] = Area(
            colours.get(shade.band, NO_DATA),
            f"{district}{whose}: {shade.band}",
            href(shade.gss_code) if href else "",
        )
    return areas


def band_map(
    bands: dict[str, str],
    framework,
    as_at: dt.date,
    level: str = "district",
    href: Callable[[str], str] | None = None,
) -> tuple[str, dict[str, Shade]]:
    """The map of `bands` (council gss -> band) and the shading behind it: interactive when
    `href` is given, a static image for board papers when not."""
    shades = district_shades(bands, framework.band_order, as_at, level)
    title = f"England: {framework.title}, as at {as_at:%-d %B %Y}, {level} view"
    areas = band_areas(shades, band_colours(framework), href)
    return choropleth_svg(areas, title, links=href is not None), shades
