from apps.indicators.importers.adult_social_care import AdultSocialCareImporter
from apps.indicators.importers.command import IndicatorImporterCommand


class Command(IndicatorImporterCommand):
    help = "Import Oflog adult social care metrics (ASC_data.csv)."
    importer_class = AdultSocialCareImporter
    default_glob = "england/adult-social-care/ASC_data.csv"
