"""`nlb refresh_data`: find the newest published files through GOV.UK's content API, download
each with a progress bar, keep the original bytes under <dir>/<retrieval date>/ as that file's
vintage, and import them all (or none) point-in-time, reporting what changed.

The targets (collections and file patterns) are data: sources.toml [refresh]. Network access is
urllib with a timeout; every failure says which address and why."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apps.indicators.catalogue import source_rules
from apps.jobs.services import background

TIMEOUT = 60
CHUNK = 1 << 16


class RefreshError(Exception):
    """A download or look-up failed; the message names the address and the cause."""


@dataclass
class Retrieved:
    target: str
    title: str
    url: str
    path: Path
    updated: str
    size: int


@dataclass
class RefreshResult:
    retrieved: list[Retrieved] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    report: Any = None


def _get_json(url: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - http(s) only
            return json.load(response)
    except urllib.error.HTTPError as exc:
        raise RefreshError(f"{url}: the server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RefreshError(f"{url}: could not connect ({getattr(exc, 'reason', exc)})") from exc
    except json.JSONDecodeError as exc:
        raise RefreshError(f"{url}: the answer is not JSON ({exc})") from exc


def _releases(api: str, target: dict[str, Any]) -> list[dict[str, Any]]:
    """Content items to search, newest first: a collection's documents, or one page."""
    if "page" in target:
        return [{"base_path": target["page"], "public_updated_at": ""}]
    collection = _get_json(f"{api}/content/government/collections/{target['collection']}")
    documents = collection.get("links", {}).get("documents", [])
    return sorted(documents, key=lambda d: d.get("public_updated_at") or "", reverse=True)


def find_newest(api: str, target: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """(attachment, release date) of the newest file matching the target, or None."""
    pattern = re.compile(target["file"])
    for release in _releases(api, target):
        item = _get_json(f"{api}/content{release['base_path']}")
        updated = item.get("public_updated_at") or release.get("public_updated_at") or ""
        for attachment in item.get("details", {}).get("attachments", []):
            url = attachment.get("url") or ""
            if pattern.search(url) or pattern.search(attachment.get("title") or ""):
                return attachment, updated
    return None


def download(url: str, folder: Path, progress: bool = True) -> Path:
    """Save `url` under `folder` with its published file name, showing a progress bar."""
    from tqdm import tqdm

    name = Path(urllib.parse.unquote(urllib.parse.urlparse(url).path)).name or "download"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310
            total = int(response.headers.get("Content-Length") or 0) or None
            with (
                open(path, "wb") as out,
                tqdm(
                    total=total, unit="B", unit_scale=True, desc=name[:40], disable=not progress
                ) as bar,
            ):
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as exc:
        raise RefreshError(f"{url}: the server answered {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise RefreshError(f"{url}: download failed ({getattr(exc, 'reason', exc)})") from exc
    return path


def refresh(
    folder: Path,
    api: str | None = None,
    only: list[str] | None = None,
    today: dt.date | None = None,
    progress: bool = True,
    step: Callable[[int, str], None] | None = None,
) -> RefreshResult:
    """Resolve, download (kept as <folder>/<today>/<file>) and import every target's newest file.
    The import is all or nothing: an unreadable download raises ImportProblem, nothing written.
    `step(percent, message)` is told of each stage (a background job's progress)."""
    from apps.indicators.importers.detect import import_detected

    step = step or (lambda percent, message: None)
    rules = source_rules()["refresh"]
    api = (api or rules["api"]).rstrip("/")
    today = today or dt.date.today()
    result = RefreshResult()
    targets = [
        t for t in rules["target"] if not only or any(o.lower() in t["name"].lower() for o in only)
    ]
    for number, target in enumerate(targets):
        step(5 + 80 * number // max(len(targets), 1), f"Looking for the newest {target['name']}")
        found = find_newest(api, target)
        if found is None:
            result.missing.append(target["name"])
            continue
        attachment, updated = found
        path = download(attachment["url"], Path(folder) / today.isoformat(), progress=progress)
        result.retrieved.append(
            Retrieved(
                target["name"],
                attachment.get("title") or path.name,
                attachment["url"],
                path,
                updated[:10],
                path.stat().st_size,
            )
        )
    if result.retrieved:
        step(85, f"Importing {len(result.retrieved)} files")
        released = {item.path: _date(item.updated) for item in result.retrieved}
        result.report = import_detected(
            [item.path for item in result.retrieved],
            released={path: day for path, day in released.items() if day is not None},
        )
    return result


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def summary_lines(result: RefreshResult) -> list[str]:
    lines = [
        f"Downloaded {item.target}: {item.title} (published {item.updated or 'date not given'}, "
        f"{item.size:,} bytes)"
        for item in result.retrieved
    ]
    lines += [f"No file found for {name}" for name in result.missing]
    return lines + (result.report.lines() if result.report is not None else [])


def default_folder() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "data-vintages"


@background("Refresh of published finance data", retries=1)
def refresh_job(job, folder: str = "", api: str = "", only: list[str] | None = None) -> str:
    """`refresh` on the job queue: progress on /jobs/, the summary as the closing message; a
    refused download fails the job with the true cause and imports nothing."""
    result = refresh(
        Path(folder) if folder else default_folder(),
        api=api or None,
        only=only,
        progress=False,
        step=job.report,
    )
    from apps.core.bootstrap import warm_caches

    job.report(95, "Preparing the daily pages for the new data")
    warm_caches(lambda line: None)
    return "\n".join(summary_lines(result))
