"""A choropleth of England's local authority districts as plain SVG, with a London inset.

One geometry serves two uses: `choropleth_svg(..., links=...)` is the interactive map for the web
(each area a named, focusable link to its council's page, keyboard and screen-reader friendly;
London's boroughs are links in the inset only, so each is reached once), and without `links` it
is the static image for board papers. Shipped boundaries are the 2023 districts (LAD23, ONS
Open Geography, generalised): `data/england/boundaries/`.

Coordinates are longitude/latitude projected with a simple equirectangular projection at 52.5°N
(ample for a choropleth of England); paths are built once per process.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.conf import settings

BOUNDARIES = (
    Path(settings.DATA_DIR) / "england/boundaries/local_authority_districts_boundaries.json"
)
NO_DATA = "#f3f2f1"
EDGE = "#505a5f"
LONDON_PREFIX = "E09"  # London boroughs and the City
_KX = math.cos(math.radians(52.5))
SCALE = 100  # viewBox units per projected degree
INSET_ZOOM = 3.6
MARGIN = 8


@dataclass(frozen=True)
class District:
    code: str
    name: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # projected, main-map units


@dataclass(frozen=True)
class Geometry:
    districts: tuple[District, ...]
    width: float
    height: float
    inset: tuple[float, float, float, float]  # x, y, width, height of the London box
    london_origin: tuple[float, float]  # London's top-left corner on the main map


@functools.lru_cache(maxsize=1)
def raw_districts() -> list[tuple[str, str, list]]:
    """(LAD23 code, name, outer rings in longitude/latitude) for English districts, sorted by
    name."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        code = feature["properties"]["LAD23CD"]
        if not code.startswith("E"):
            continue
        shape = feature["geometry"]
        polygons = [shape["coordinates"]] if shape["type"] == "Polygon" else shape["coordinates"]
        out.append((code, feature["properties"]["LAD23NM"], [polygon[0] for polygon in polygons]))
    return sorted(out, key=lambda item: item[1])


def _project(lon: float, lat: float) -> tuple[float, float]:
    return lon * _KX * SCALE, -lat * SCALE


@functools.lru_cache(maxsize=1)
def geometry() -> Geometry:
    """English districts projected into one viewBox, with room on the right for London."""
    raw = [
        (code, name, tuple(tuple(_project(lon, lat) for lon, lat in ring) for ring in rings))
        for code, name, rings in raw_districts()
    ]
    xs = [x for _, _, rings in raw for ring in rings for x, _ in ring]
    ys = [y for _, _, rings in raw for ring in rings for _, y in ring]
    min_x, min_y = min(xs), min(ys)
    districts = tuple(
        District(
            code,
            name,
            tuple(tuple((x - min_x + MARGIN, y - min_y + MARGIN) for x, y in r) for r in rings),
        )
        for code, name, rings in raw
    )
    main_width = max(xs) - min_x + 2 * MARGIN
    height = max(ys) - min_y + 2 * MARGIN
    lx = [x for d in districts if d.code.startswith(LONDON_PREFIX) for r in d.rings for x, _ in r]
    ly = [y for d in districts if d.code.startswith(LONDON_PREFIX) for r in d.rings for _, y in r]
    inset_w = (max(lx) - min(lx)) * INSET_ZOOM + 2 * MARGIN
    inset_h = (max(ly) - min(ly)) * INSET_ZOOM + 2 * MARGIN + 18
    inset = (main_width, MARGIN, inset_w, inset_h)
    return Geometry(districts, main_width + inset_w + MARGIN, height, inset, (min(lx), min(ly)))


def _path(rings, transform=lambda x, y: (x, y)) -> str:
    parts = []
    for ring in rings:
        points = [transform(x, y) for x, y in ring]
        head = f"M{points[0][0]:.1f} {points[0][1]:.1f}"
        parts.append(head + "".join(f"L{x:.1f} {y:.1f}" for x, y in points[1:]) + "Z")
    return "".join(parts)


@functools.lru_cache(maxsize=1)
def _paths() -> dict[str, tuple[str, str | None]]:
    """LAD code -> (path on the main map, path in the London inset or None)."""
    geo = geometry()
    ix, iy, _, _ = geo.inset
    lx, ly = geo.london_origin

    def to_inset(x: float, y: float) -> tuple[float, float]:
        return ix + MARGIN + (x - lx) * INSET_ZOOM, iy + MARGIN + 18 + (y - ly) * INSET_ZOOM

    return {
        d.code: (
            _path(d.rings),
            _path(d.rings, to_inset) if d.code.startswith(LONDON_PREFIX) else None,
        )
        for d in geo.districts
    }


@dataclass(frozen=True)
class Area:
    """What one district shows: its fill, its accessible label, and where it links."""

    colour: str
    label: str
    href: str = ""


def choropleth_svg(areas: dict[str, Area], title: str, *, links: bool = True) -> str:
    """England shaded by `areas` (LAD23 code -> Area; districts without one are "no data").

    With `links`, every area with an href is an SVG link named by its label (and a tooltip);
    without, the same map is a plain image for documents.
    """
    geo = geometry()
    paths = _paths()
    ix, iy, iw, ih = geo.inset
    out = [
        f'<svg class="nlb-map" viewBox="0 0 {geo.width:.0f} {geo.height:.0f}" '
        f'xmlns="http://www.w3.org/2000/svg" role="{"group" if links else "img"}" '
        f'aria-label="{escape(title)}" font-family="GDS Transport, arial, sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<g stroke="{EDGE}" stroke-width="0.3" stroke-linejoin="round">',
    ]
    insets = []
    for district in geo.districts:
        area = areas.get(district.code) or Area(NO_DATA, f"{district.name}: no data")
        main, inset = paths[district.code]
        tooltip = f"<title>{escape(area.label)}</title>"
        if links and area.href and inset is None:
            out.append(
                f'<a href="{escape(area.href)}" aria-label="{escape(area.label)}">{tooltip}'
                f'<path d="{main}" fill="{area.colour}"/></a>'
            )
        else:
            hidden = ' aria-hidden="true"' if links else ""
            out.append(f'<path d="{main}" fill="{area.colour}"{hidden}>{tooltip}</path>')
        if inset is not None:
            if links and area.href:
                insets.append(
                    f'<a href="{escape(area.href)}" aria-label="{escape(area.label)}">{tooltip}'
                    f'<path d="{inset}" fill="{area.colour}"/></a>'
                )
            else:
                insets.append(f'<path d="{inset}" fill="{area.colour}">{tooltip}</path>')
    out.append("</g>")
    out.append(
        f'<g><rect x="{ix:.1f}" y="{iy:.1f}" width="{iw:.1f}" height="{ih:.1f}" fill="#fff" '
        f'stroke="{EDGE}" stroke-width="0.8"/>'
        f'<text x="{ix + MARGIN:.1f}" y="{iy + 16:.1f}" font-size="14" font-weight="700" '
        f'fill="#0b0c0c">London</text>'
        f'<g stroke="{EDGE}" stroke-width="0.4" stroke-linejoin="round">{"".join(insets)}</g></g>'
    )
    out.append("</svg>")
    return "".join(out)
