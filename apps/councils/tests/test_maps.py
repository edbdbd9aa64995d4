"""The choropleth: interactive areas are named links (London's once, in the inset); the static
image has no links."""

import re

from apps.councils.maps import NO_DATA, Area, choropleth_svg, geometry


def test_each_area_is_a_named_link_and_london_is_reached_once_in_the_inset():
    areas = {
        "E09000008": Area("#d4351c", "Croydon: High concern", "/councils/E09000008/"),
        "E06000039": Area("#ffdd00", "Slough: Monitor", "/councils/E06000039/"),
    }
    svg = choropleth_svg(areas, "Test map")
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)">', svg)
    assert links.count(("/councils/E09000008/", "Croydon: High concern")) == 1
    assert ("/councils/E06000039/", "Slough: Monitor") in links
    assert 'fill="#d4351c"' in svg and svg.count(f'fill="{NO_DATA}"') > 300
    assert "<title>Westminster: no data</title>" in svg
    assert 'viewBox="0 0 ' in svg and ">London</text>" in svg


def test_the_static_image_for_papers_has_no_links():
    svg = choropleth_svg({"E09000008": Area("#d4351c", "Croydon", "/x/")}, "Paper map", links=False)
    assert "<a " not in svg and 'role="img"' in svg and 'fill="#d4351c"' in svg


def test_the_geometry_covers_england_only():
    codes = {d.code for d in geometry().districts}
    assert "E09000008" in codes and all(code.startswith("E") for code in codes)
    assert len(codes) > 290
