"""Secret tokens in links and headers: only their SHA-256 is stored, so a leaked database leaks
none. A token carries 24+ random bytes, so an unsalted hash is enough (no dictionary to guess from).
"""

import hashlib
import secrets


def new_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token_hash() -> str:
    """The hash of a token no one is given (records that need no private link)."""
    return hash_token(new_token())
