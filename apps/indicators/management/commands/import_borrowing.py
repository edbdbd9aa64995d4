from apps.indicators.importers.borrowing import BorrowingImporter
from apps.indicators.importers.command import IndicatorImporterCommand


class Command(IndicatorImporterCommand):
    help = "Import borrowing and investment live tables: outstanding borrowing at 31 March."
    importer_class = BorrowingImporter
    default_glob = "england/borrowing-investment/*.xlsx"
