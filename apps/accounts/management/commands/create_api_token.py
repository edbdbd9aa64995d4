from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue an API bearer token for USERNAME and print it (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user called {username!r}") from None
        self.stdout.write(ApiToken.issue(user))
