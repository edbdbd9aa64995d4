from apps.indicators.importers.command import IndicatorImporterCommand
from apps.indicators.importers.ofsted import OfstedImporter


class Command(IndicatorImporterCommand):
    help = "Import Ofsted children's services (ILACS) judgement snapshots."
    importer_class = OfstedImporter
    default_glob = "england/ofsted-childrens-services/ofsted_csc_ilacs_overview_*.xlsx"
