from django.apps import AppConfig

from apps.core.navigation import NavItem

BOOTSTRAP_PEERS = 300


class PeersConfig(AppConfig):
    name = "apps.peers"
    label = "peers"
    verbose_name = "Peers"
    nav_items = [NavItem("Peers", "peers:list", "staff")]

    def bootstrap(self, stdout) -> None:
        """Expertise areas from team_rules.toml; a SYNTHETIC register of 300 peers if there is
        none; the demo user `peer` linked to a peer; one demo team request (idempotent)."""
        from apps.peers.services.demo import ensure_demo

        ensure_demo(stdout, count=BOOTSTRAP_PEERS)
