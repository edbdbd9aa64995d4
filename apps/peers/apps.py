from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "apps.peers"
    label = "peers"
    verbose_name = "Peers"
