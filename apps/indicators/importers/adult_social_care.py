"""Oflog adult social care metrics (ASC_data.csv): one row per council, metric and data year.
The Code column maps to indicator codes in sources.toml; a new code is imported as asc_<code>
with the file's Measure as its title, so later files with more metrics import unchanged."""

from __future__ import annotations

from apps.core.importers import read_csv_rows
from apps.indicators.catalogue import catalogue_entries, source_rules
from apps.indicators.importers.common import (
    GSS,
    CouncilIndex,
    IndicatorImporter,
    Parsed,
    end_of_month_after,
    parse_financial_year,
    read_number,
)

REQUIRED = [
    "Financial year",
    "Local authority code",
    "Local authority name",
    "Measure",
    "Code",
    "Value",
]


class AdultSocialCareImporter(IndicatorImporter):
    source_name = "adult_social_care"

    def parse(self) -> Parsed:
        rules = source_rules()["adult_social_care"]
        codes = {key.upper(): value for key, value in rules["codes"].items()}
        known = {entry["code"] for entry in catalogue_entries()}
        lag = int(rules["lag_months"])
        councils = CouncilIndex()
        parsed = Parsed(source_file=self.path.name)
        extra: dict[str, dict] = {}
        for number, row in read_csv_rows(self.path, REQUIRED):
            year = parse_financial_year(row["Financial year"])
            if year is None:
                raise self.problem(
                    f"expected a financial year like 2016-17, found {row['Financial year']!r}",
                    row=number,
                    column="Financial year",
                )
            period, period_end = year
            value = read_number(row["Value"], {"row": number, "column": "Value"}, self.problem)
            code = row["Code"].strip().upper()
            if not code:
                raise self.problem("metric code is blank", row=number, column="Code")
            indicator = codes.get(code, f"asc_{code.lower()}")
            if indicator not in known and indicator not in extra:
                extra[indicator] = {
                    "code": indicator,
                    "title": f"Adult social care: {row['Measure'].removeprefix('Outcome, ')}",
                    "unit": "as published",
                    "polarity": "neutral",
                    "source": "adult_social_care",
                    "definition": f"Oflog adult social care metric {code}: {row['Measure']}.",
                }
            gss = row["Local authority code"].strip().upper()
            council_id = councils.find(gss=gss if GSS.match(gss) else None)
            if council_id is None:
                parsed.unmatched[gss] = row["Local authority name"]
                continue
            if value is None:
                continue
            published = end_of_month_after(period_end, lag)
            parsed.add(council_id, indicator, period, period_end, value, published, published)
        parsed.extra_indicators = list(extra.values())
        return parsed
