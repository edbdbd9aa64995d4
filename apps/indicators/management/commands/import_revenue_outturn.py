from apps.indicators.importers.command import IndicatorImporterCommand
from apps.indicators.importers.revenue_outturn import RevenueOutturnImporter


class Command(IndicatorImporterCommand):
    help = "Import MHCLG Revenue Outturn Summary (RS) workbooks (default: all shipped years)."
    importer_class = RevenueOutturnImporter
    default_glob = "england/revenue-outturn-summary/*.xls*"
