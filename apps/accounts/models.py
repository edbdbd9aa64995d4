"""People who use the service, each with one role that decides what they may see."""

from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

from apps.core.tokens import hash_token

# Demo sign-ins (apps/accounts/demo.py) have addresses here: `.invalid` is reserved (RFC 2606),
# so no real person's address can end this way.
DEMO_EMAIL_DOMAIN = "demo.invalid"


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", "Improvement programme manager (national)"
    REGIONAL_ASSOCIATE = "regional_associate", "Regional associate"
    COUNCIL_USER = "council_user", "Council user"
    PEER = "peer", "Accredited peer"
    BOARD_MEMBER = "board_member", "Board member"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    role = models.CharField(max_length=24, choices=Role.choices, default=Role.BOARD_MEMBER)
    region = models.CharField(
        max_length=40, blank=True, help_text="Required for regional associates"
    )
    council = models.ForeignKey(
        "councils.Council",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="Required for council users",
    )
    # contact details printed when the user is a board paper's contact officer
    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="regional_associate") | ~models.Q(region=""),
                name="regional_associate_has_region",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="council_user") | models.Q(council__isnull=False),
                name="council_user_has_council",
            ),
        ]

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def is_demo(self) -> bool:
        """A demo sign-in: labelled once, beside the name in the page header, so its name need
        not say so (demo records carry their own Demo tag)."""
        return self.email.lower().endswith(f"@{DEMO_EMAIL_DOMAIN}")


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, so a leaked database leaks no token."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token for {self.user} (created {self.created:%Y-%m-%d})"

    @staticmethod
    def hash(raw: str) -> str:
        return hash_token(raw)

    @classmethod
    def issue(cls, user: User) -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=cls.hash(raw))
        return raw
