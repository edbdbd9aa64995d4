"""Backtest acceptance on the real shipped data: each council that issued a budget-gap section
114 notice is in the top 10% of the recommended framework's watchlist 12 months before, using only
data published by then; baselines are computed beside it. Needs the indicator importers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from apps.core.importers import ImportProblem
from apps.early_warning.services.backtest import load_events, months_before


@pytest.fixture(scope="module")
def real_indicators(django_db_setup, django_db_blocker):
    from apps.indicators.models import Observation

    with django_db_blocker.unblock():
        call_command("import_indicators", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        Observation.objects.all().delete()


@pytest.mark.slow
@pytest.mark.django_db
def test_recommended_framework_beats_every_single_indicator_out_of_sample(real_indicators):
    from apps.early_warning.services.validation import REFIT, run_validation

    result = run_validation()
    headline = result.headline
    best = result.best_single(headline)
    for name in (result.framework.name, REFIT):  # as shipped, and refitted on earlier events only
        assert headline.metrics[name]["auc"] > headline.metrics[best]["auc"], name
        assert headline.metrics[name]["top10"] > headline.metrics[best]["top10"], name
        reserves = headline.metrics["single_reserves_to_nre"]
        assert headline.metrics[name]["auc"] > reserves["auc"]
    # and on every event set taken alone, against the best single indicator of that set
    for group in result.sets:
        if group.events >= 10:
            best_there = result.best_single(group)
            assert group.metrics[REFIT]["auc"] > group.metrics[best_there]["auc"], group.register
    # ranked once as at 1 July 2021 (as a held-out check is run), on every later event
    fixed = next(f for f in result.fixed if f.register == "all@2021-07-01")
    assert fixed.metrics[result.framework.name]["auc"] > fixed.metrics[best]["auc"]
    assert fixed.metrics[REFIT]["in_top10"] > fixed.metrics["single_reserves_to_nre"]["in_top10"]
    # every event is listed with ranks 12, 24 and 36 months before, only from data known then
    cells = result.events[0]["ranks"][result.framework.name]
    assert [c["months"] for c in cells] == [12, 24, 36]
    assert all(c["as_at"] < result.events[0]["event"].notice_date for c in cells)


@pytest.mark.django_db
def test_months_before_handles_month_ends():
    assert months_before(dt.date(2020, 2, 29), 12) == dt.date(2019, 2, 28)
    assert months_before(dt.date(2021, 7, 2), 24) == dt.date(2019, 7, 2)


@pytest.mark.django_db
def test_malformed_events_file_is_refused_naming_row_and_column(tmp_path, councils_loaded):
    bad = tmp_path / "events.csv"
    bad.write_text(
        "gss_code,council,notice_date\nE09000008,Croydon,2020-11-11\nE09000008,Croydon,11/11/2020\n"
    )
    with pytest.raises(ImportProblem) as caught:
        load_events(bad)
    assert str(caught.value) == (
        "events.csv, row 3, column 'notice_date': notice_date must be YYYY-MM-DD, not '11/11/2020'"
    )
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("gss_code,notice_date\nE99999999,2020-11-11\n")
    with pytest.raises(ImportProblem, match="row 2, column 'gss_code'"):
        load_events(unknown)
    by_ecode = tmp_path / "ecode.csv"
    by_ecode.write_text("gss_code,notice_date\nE5035,2020-11-11\n")
    assert load_events(by_ecode)[0].gss_code == "E09000008"
    missing = tmp_path / "missing.csv"
    missing.write_text("council,when\nCroydon,2020-11-11\n")
    with pytest.raises(ImportProblem, match="header lacks required column"):
        load_events(missing)


@pytest.mark.slow
@pytest.mark.django_db
def test_pages_without_a_date_show_the_latest_date_the_data_can_score(
    real_indicators, client, make_user
):
    from apps.accounts.models import Role
    from apps.early_warning.services.watchlist import latest_scorable_date

    latest = latest_scorable_date()
    assert latest is not None and latest < dt.date.today()
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    page = client.get("/early-warning/").content.decode()
    assert f"Watchlist as at {latest:%-d %B %Y}" in page
    assert "High concern" in page


@pytest.mark.slow
@pytest.mark.django_db
def test_validation_page_and_command_show_the_comparison(
    real_indicators, client, make_user, settings, tmp_path
):
    import io

    from apps.accounts.models import Role

    settings.VAR_DIR = tmp_path  # the cached result goes to a throwaway folder
    client.force_login(make_user(role=Role.PROGRAMME_MANAGER))
    page = client.get("/early-warning/validation/").content.decode()
    assert "ROC AUC" in page and "Median lead time" in page and "best single indicator" in page
    assert "All events together" in page and "12m: " in page
    assert list(tmp_path.glob("cache/validation-*.pickle"))  # cached for the next visit
    out = io.StringIO()
    call_command("backtest", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("event_set,events,ranking,title,roc_auc,top10_share")
    assert any(line.startswith("all,") and ",recommended_refit," in line for line in lines)
