"""Fixtures for the indicator tests: the shipped real files, imported once per test module."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from apps.indicators.services.point_in_time import invalidate_cache

DATA = Path(settings.DATA_DIR) / "england"
RS = DATA / "revenue-outturn-summary"
RS_2010 = RS / "Revenue_Outturn_Summary__RS__data_2010-11_by_LA_-_27-Nov-2012-v2.xls"
RS_2016 = RS / "RS_2016-17_data_by_LA.xlsx"
RS_2017 = RS / "RS_2017-18_data_by_LA.xlsx"
BORROWING_2018 = (
    DATA / "borrowing-investment" / "Borrowing_and_Investment_Live_Table_Q4_2017_18-2.xlsx"
)
BORROWING_2020 = (
    DATA / "borrowing-investment" / "Borrowing_and_Investment_Live_Table_Q4_2019_20.xlsx"
)
OFSTED_2025 = DATA / "ofsted-childrens-services" / "ofsted_csc_ilacs_overview_2025-03.xlsx"
OFSTED_2026 = DATA / "ofsted-childrens-services" / "ofsted_csc_ilacs_overview_2026-06.xlsx"
ASC = DATA / "adult-social-care" / "ASC_data.csv"


@pytest.fixture(autouse=True)
def fresh_point_in_time_cache():
    """Tests roll back their writes, so never let one test's cached table leak into the next."""
    invalidate_cache()
    yield
    invalidate_cache()


@pytest.fixture(scope="module")
def shipped_indicators(django_db_setup, django_db_blocker):
    """Every shipped indicator file imported and derived (as bootstrap does), removed after."""
    from apps.indicators.models import Indicator, Observation

    with django_db_blocker.unblock():
        call_command("import_indicators", stdout=StringIO())
        invalidate_cache()
        yield
        Observation.objects.all().delete()
        Indicator.objects.all().delete()
        invalidate_cache()
