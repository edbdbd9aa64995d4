"""Charts as plain SVG: they scale (viewBox, no fixed size), name themselves, escape text, leave
gaps for missing values and keep the legend off the data."""

from apps.core.charts import Series, bar_chart, line_chart, nice_ticks, stacked_bar_chart


def test_a_line_chart_scales_names_itself_and_leaves_gaps():
    svg = line_chart(
        "Reserves <NRE>", ["2016-17", "2017-18", "2018-19"], [Series("A & B", [1.0, None, 3.0])]
    )
    assert svg.startswith('<svg class="nlb-chart" viewBox="0 0 ')
    assert "width=" not in svg.split(">", 1)[0]
    assert 'aria-label="Reserves &lt;NRE&gt;"' in svg and "A &amp; B" in svg
    assert "<polyline" not in svg  # the gap splits the line into single points
    assert svg.count("<circle") == 2


def test_bars_carry_their_values_and_one_can_be_highlighted():
    svg = bar_chart("Peers", ["Croydon", "Sutton"], [6.2, -20.5], "%", ["#1d70b8", "#b1b4b6"])
    assert ">6.2</text>" in svg and ">-20.5</text>" in svg
    assert 'fill="#1d70b8"><title>Croydon: 6.2</title>' in svg


def test_stacked_bars_have_a_legend_above_the_plot():
    svg = stacked_bar_chart(
        "Q1",
        ["Agree", "Disagree"],
        [Series("Councils", [3, 1]), Series("Peers", [2, 0], "#f47738")],
    )
    legend_y = float(svg.split('<text x="22.0" y="')[1].split('"')[0])
    first_bar_y = float(svg.split("<rect ")[1].split('y="')[1].split('"')[0])
    assert legend_y < first_bar_y
    assert "<title>Agree: Peers: 2</title>" in svg


def test_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0, 97) == [0, 25, 50, 75, 100]
    ticks = nice_ticks(-55.2, 62.1)
    assert ticks[0] <= -55.2 and ticks[-1] >= 62.1
