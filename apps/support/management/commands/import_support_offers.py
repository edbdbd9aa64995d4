from apps.core.importers import ImporterCommand
from apps.support.importers import OFFERS_PATH, OfferCatalogueImporter


class Command(ImporterCommand):
    help = "Load the support offers catalogue (apps/support/rules/offers.toml by default)."
    importer_class = OfferCatalogueImporter
    default_path = OFFERS_PATH
