from apps.core.importers import ImporterCommand
from apps.councils.importers import DEFAULT_FILES, PoliticalControlImporter


class Command(ImporterCommand):
    help = "Import a financial-year snapshot of political control."
    importer_class = PoliticalControlImporter
    default_path = DEFAULT_FILES[PoliticalControlImporter]
