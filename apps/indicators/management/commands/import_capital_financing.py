from apps.indicators.importers.capital_financing import CapitalFinancingImporter
from apps.indicators.importers.command import IndicatorImporterCommand


class Command(IndicatorImporterCommand):
    help = (
        "Import capital financing returns, section C (prudential system information): COR C "
        "outturn and CER C forecasts, kept apart."
    )
    importer_class = CapitalFinancingImporter
    default_glob = "england/capital-financing/*"
