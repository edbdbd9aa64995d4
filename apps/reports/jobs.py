"""Background rendering of paper files on the job queue (apps.jobs). Rendering a paper takes
seconds (the quarterly recomputes the watchlist for each quarter and draws the map), so a page
asks for a file, a worker makes and stores it, and the download serves the stored file."""

from __future__ import annotations

from apps.jobs.services import background


@background("Board paper file", retries=1)
def render_paper_file(job, file_id: int) -> str:
    from apps.reports.models import PaperFile
    from apps.reports.services import render_file

    file = render_file(file_id)
    if file.state == PaperFile.State.FAILED:
        raise RuntimeError(file.error)  # the job is retried, then failed with this cause
    return f"{file} ready"


def enqueue_render(file_id: int, subject: str = "", user=None) -> None:
    """Queue the rendering of one PaperFile."""
    render_paper_file.start(file_id=file_id, subject=subject, user=user)
