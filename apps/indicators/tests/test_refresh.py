"""`nlb refresh_data` against a local HTTP server (127.0.0.1, a thread) serving a content API and
fixture files built for the test; no test touches the internet."""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.indicators.models import Observation

from .test_capital_financing import CER_2021
from .test_formats import TS_LINES, time_series

pytestmark = pytest.mark.django_db
REVENUE = "local-authority-revenue-expenditure-and-financing"
CAPITAL = "local-authority-capital-expenditure-receipts-and-financing"


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def site(tmp_path):
    """A served folder: site.put(path, bytes) publishes a file; site.url is the base address."""
    root = tmp_path / "site"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    class Site:
        url = f"http://127.0.0.1:{server.server_address[1]}"

        def put(self, path: str, data: bytes) -> str:
            target = root / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            return f"{self.url}/{path.lstrip('/')}"

        def publish(self, files: dict[str, bytes]) -> None:
            """Two collections, each with an older and a newer release; the newer holds files."""
            urls = {name: self.put(f"media/{name}", data) for name, data in files.items()}
            for slug in (REVENUE, CAPITAL):
                documents = [
                    {
                        "base_path": f"/government/statistics/{slug}-old",
                        "public_updated_at": "2020-01-01T09:30:00Z",
                    },
                    {
                        "base_path": f"/government/statistics/{slug}-new",
                        "public_updated_at": "2025-11-27T09:30:00Z",
                    },
                ]
                self.put(
                    f"api/content/government/collections/{slug}",
                    json.dumps({"links": {"documents": documents}}).encode(),
                )
                self.put(
                    f"api/content/government/statistics/{slug}-old",
                    b'{"details": {"attachments": []}}',
                )
                attachments = [{"title": name, "url": url} for name, url in urls.items()]
                self.put(
                    f"api/content/government/statistics/{slug}-new",
                    json.dumps(
                        {
                            "public_updated_at": "2025-11-27T09:30:00Z",
                            "details": {"attachments": attachments},
                        }
                    ).encode(),
                )
            self.put(
                "api/content/government/statistical-data-sets/live-tables-on-local-government-finance",
                b'{"details": {"attachments": []}}',
            )

    yield Site()
    server.shutdown()
    server.server_close()


def refresh(site, folder: Path) -> str:
    out = StringIO()
    call_command(
        "refresh_data",
        "--api",
        f"{site.url}/api",
        "--dir",
        str(folder),
        "--no-progress",
        stdout=out,
    )
    return out.getvalue()


def test_refresh_downloads_keeps_vintages_imports_and_reports(site, tmp_path):
    csv = time_series(tmp_path / "Revenue_Outturn_time_series_data_v4.csv", TS_LINES).read_bytes()
    site.publish(
        {
            "Revenue_Outturn_time_series_data_v4.csv": csv,
            "CER_2020-21_C_prudential_system_information.xlsx": CER_2021.read_bytes(),
        }
    )
    vintages = tmp_path / "vintages"
    text = refresh(site, vintages)
    kept = sorted(p.name for p in vintages.glob("*/*"))
    assert kept == [
        "CER_2020-21_C_prudential_system_information.xlsx",
        "Revenue_Outturn_time_series_data_v4.csv",
    ]
    assert "Downloaded Revenue Outturn time series (CSV)" in text and "published 2025-11-27" in text
    assert "No file found for Borrowing and investment live table" in text
    assert "Capital financing requirement (forecast): " in text
    assert Observation.objects.filter(
        indicator__code="capital_financing_requirement_forecast"
    ).exists()
    assert Observation.objects.filter(
        indicator__code="rs_net_revenue_expenditure", period="2019-20"
    ).exists()
    nre = Observation.objects.get(
        council__gss_code="E09000008",
        indicator__code="rs_net_revenue_expenditure",
        period="2019-20",
    )
    assert nre.published.isoformat() == "2020-11-30"  # when 2019-20 became public, by rule
    assert nre.vintage.isoformat() == "2025-11-27"  # the release it was downloaded from
    again = refresh(site, tmp_path / "vintages")
    assert "Nothing changed" in again


@pytest.mark.parametrize(
    "bad",
    [b"<!DOCTYPE html><html><body>Service unavailable</body></html>", CER_2021.read_bytes()[:5000]],
    ids=["an error page", "a truncated workbook"],
)
def test_a_malformed_download_is_refused_with_nothing_imported(site, tmp_path, bad):
    csv = time_series(tmp_path / "ts.csv", TS_LINES).read_bytes()
    site.publish(
        {"Revenue_Outturn_time_series_data_v4.csv": csv, "CER_2020-21_C_prudential.xlsx": bad}
    )
    with pytest.raises(CommandError) as refused:
        refresh(site, tmp_path / "vintages")
    message = str(refused.value)
    assert "Refresh refused, nothing imported. CER_2020-21_C_prudential.xlsx" in message
    assert Observation.objects.count() == 0  # not even the good CSV


def test_an_unreachable_server_says_so(tmp_path):
    with pytest.raises(CommandError, match="could not connect"):
        call_command(
            "refresh_data",
            "--api",
            "http://127.0.0.1:9/api",
            "--dir",
            str(tmp_path),
            stdout=StringIO(),
        )


def test_refresh_runs_as_a_background_job(site, tmp_path):
    from apps.indicators.services.refresh import refresh_job

    csv = time_series(tmp_path / "ts.csv", TS_LINES).read_bytes()
    site.publish({"Revenue_Outturn_time_series_data_v4.csv": csv})
    job = refresh_job.run_now(folder=str(tmp_path / "v"), api=f"{site.url}/api")
    assert job.status == "done" and job.progress == 100
    assert "Downloaded Revenue Outturn time series (CSV)" in job.message
    assert Observation.objects.filter(indicator__code="rs_net_revenue_expenditure").exists()
    site.publish({"Revenue_Outturn_time_series_data_v4.csv": b"\x89PNG\r\n\x1a\n\x00\x00"})
    before = Observation.objects.count()
    job = refresh_job.run_now(folder=str(tmp_path / "v"), api=f"{site.url}/api")
    assert job.status == "failed" and "not a spreadsheet or CSV file" in job.message
    assert Observation.objects.count() == before
