from apps.core.importers import ImporterCommand
from apps.councils.importers import DEFAULT_FILES, CouncilRegisterImporter


class Command(ImporterCommand):
    help = "Import English principal councils (current and former) from the mySociety register."
    importer_class = CouncilRegisterImporter
    default_path = DEFAULT_FILES[CouncilRegisterImporter]
