"""Second-factor secrets encrypted at rest.

allauth stores each TOTP secret and each recovery-code seed in Authenticator.data through its
adapter's encrypt()/decrypt(), which by default store the text as it is: the database and every
backup would then hold what is needed to produce staff codes. Here they are Fernet tokens
(AES-128-CBC with an HMAC-SHA256), under settings.MFA_ENCRYPTION_KEY or, when that is unset, a
key derived from SECRET_KEY. Either way a backup alone does not reveal the secrets.

Changing MFA_ENCRYPTION_KEY (or SECRET_KEY while it is unset) makes the stored secrets
unreadable: every staff member must then set up the authenticator app again (an administrator
deletes their authenticators in the Django admin).
"""

import base64
import functools

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Fixed and versioned: the derived key changes only with SECRET_KEY, never between releases.
HKDF_INFO = b"rakumpit-asn mfa-secrets v1"
# Every Fernet token starts with the version byte 0x80, which is "gAAAAA" in URL-safe base64.
# allauth's TOTP secrets are base32 (A-Z, 2-7) and its recovery seeds hexadecimal, so a value
# stored before this adapter can never be taken for a token.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - a format marker, not a secret


def derive_key(secret_key: str) -> bytes:
    """A Fernet key from SECRET_KEY (HKDF-SHA256): separate from the signing uses of the key."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=HKDF_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


@functools.lru_cache(maxsize=4)
def _fernet(configured_key: str, secret_key: str) -> Fernet:
    if not configured_key:
        return Fernet(derive_key(secret_key))
    try:
        return Fernet(configured_key.encode())
    except ValueError:
        # Never the value itself in the message: it is a secret.
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEY is not a Fernet key (32 bytes, URL-safe base64). Generate one "
            'with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())"'
        ) from None


def fernet() -> Fernet:
    return _fernet(getattr(settings, "MFA_ENCRYPTION_KEY", ""), settings.SECRET_KEY)


class RakumpitMFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(TOKEN_PREFIX):
            # Stored in plain text before this adapter: still usable, re-encrypted at the next
            # enrolment.
            return encrypted_text
        try:
            return fernet().decrypt(encrypted_text.encode()).decode()
        except InvalidToken:
            # Loud rather than a silently wrong code: the key changed since the secret was stored.
            raise ImproperlyConfigured(
                "A two-factor secret cannot be decrypted: MFA_ENCRYPTION_KEY (or SECRET_KEY, "
                "from which the key is derived when MFA_ENCRYPTION_KEY is unset) changed since "
                "it was stored. Delete the staff member's authenticators in the admin and let "
                "them set up the app again."
            ) from None
