"""A choropleth map of England drawn server-side (matplotlib to SVG), no tiles or CDN.

Shipped boundaries are 2023 local authority districts (LAD23). A county council is the union of
its districts, so the county view shades each district by its county's band (unitaries and
metropolitan or London boroughs by their own). For an earlier date, a 2023 district that did not
exist yet (a new unitary) is shaded by the worst band among the councils it replaced that existed
then.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

from django.conf import settings
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from apps.early_warning.services.charts import _svg

BOUNDARIES = (
    Path(settings.DATA_DIR) / "england/boundaries/local_authority_districts_boundaries.json"
)
TAG_COLOURS = {
    "red": "#d4351c",
    "orange": "#f47738",
    "yellow": "#ffdd00",
    "green": "#00703c",
    "grey": "#b1b4b6",
}
NO_DATA = "#f3f2f1"
NO_DESIGNATION = "#cce2d8"


def band_colours(fw) -> dict[str, str]:
    """Fill colour for each of a framework's band labels (its designations' tags, then no
    designation and insufficient data)."""
    colours = {
        label: TAG_COLOURS.get(fw.tag_for(label), TAG_COLOURS["grey"]) for label in fw.band_order
    }
    colours[fw.no_designation_label] = NO_DESIGNATION
    colours[fw.insufficient_label] = NO_DATA
    return colours


@functools.lru_cache(maxsize=1)
def districts() -> list[tuple[str, str, list]]:
    """(LAD23CD, name, list of rings) for English districts."""
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        code = feature["properties"]["LAD23CD"]
        if not code.startswith("E"):
            continue
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = [polygon[0] for polygon in polygons]
        out.append((code, feature["properties"]["LAD23NM"], rings))
    return out


def district_shading(
    bands: dict[str, str], order: list[str], as_at: dt.date, level: str
) -> dict[str, str]:
    """LAD23 code -> band label, for `bands` (council gss -> band) at `as_at`."""
    from apps.councils.models import Council

    rank = {label: i for i, label in enumerate(order)}
    councils = {
        c.gss_code: c for c in Council.objects.prefetch_related("replaces").select_related("county")
    }
    shading = {}
    for code, _, _ in districts():
        council = councils.get(code)
        candidates = []
        if council is not None:
            existed = (council.start_date is None or council.start_date <= as_at) and (
                council.end_date is None or council.end_date > as_at
            )
            if existed:
                candidates = [council]
            else:
                candidates = [
                    c
                    for c in council.replaces.all()
                    if (c.start_date is None or c.start_date <= as_at)
                    and (c.end_date is None or c.end_date > as_at)
                ]
        if level == "county":
            candidates = [
                c.county if c.county_id and c.county.gss_code in bands else c for c in candidates
            ]
        labels = [bands[c.gss_code] for c in candidates if c.gss_code in bands]
        if labels:
            shading[code] = min(labels, key=lambda label: rank.get(label, len(rank)))
    return shading


def choropleth(shading: dict[str, str], colours: dict[str, str], title: str) -> str:
    patches, faces = [], []
    for code, _, rings in districts():
        colour = colours.get(shading.get(code, ""), NO_DATA)
        for ring in rings:
            patches.append(Polygon(ring, closed=True))
            faces.append(colour)
    fig = Figure(figsize=(6, 7.2))
    ax = fig.subplots()
    collection = PatchCollection(patches, facecolor=faces, edgecolor="#505a5f", linewidth=0.15)
    ax.add_collection(collection)
    ax.set_xlim(-6.5, 2.0)
    ax.set_ylim(49.8, 55.9)
    ax.set_aspect(1.6)
    ax.axis("off")
    return _svg(fig, title)
