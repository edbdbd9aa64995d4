"""Background rendering of paper files. Rendering a paper takes seconds (it recomputes the
watchlist for each quarter and draws the map), so pages ask for a file and serve it once stored.
"""

from __future__ import annotations


def enqueue_render(file_id: int) -> None:
    """Queue the rendering of one PaperFile."""
    from apps.reports.services import render_file

    render_file(file_id)
