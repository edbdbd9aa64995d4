from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def bootstrap(self, stdout) -> None:
        from apps.accounts.demo import DEMO_PASSWORD, ensure_demo_users

        users = ensure_demo_users()
        stdout.write(f"   demo users: {', '.join(u.username for u in users)} ({DEMO_PASSWORD})\n")
