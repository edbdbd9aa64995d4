from apps.core.importers import ImporterCommand
from apps.councils.importers import DEFAULT_FILES, NearestNeighbourImporter


class Command(ImporterCommand):
    help = "Import Oflog nearest-neighbour groups (NN.json)."
    importer_class = NearestNeighbourImporter
    default_path = DEFAULT_FILES[NearestNeighbourImporter]
