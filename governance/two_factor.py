"""Staff two-factor authentication: an authenticator app (TOTP) and single-use recovery codes.

django-otp keeps the devices, checks the codes and throttles wrong ones (1, 2, 4, 8… seconds
between attempts on the device). This module decides who must use it and holds the steps
the pages take, so views stay thin. No code or secret is ever written to a log.
"""

import logging
import xml.etree.ElementTree as ET
from base64 import b32encode
from collections.abc import Sequence

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp.models import Device, VerifyNotAllowed
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.models import User

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"

WRONG_CODE = "The code is not right. Enter the latest 6-digit code from your authenticator app."
WRONG_RECOVERY_CODE = "The recovery code is not right, or it has already been used."

# In the session of a sign-in that was itself multi-factor, at authentication assurance
# level 3 (CIS2: a smartcard and its passcode, or the like): no second code is asked for.
STRONG_SIGN_IN_KEY = "signed_in_at_assurance_level_3"


def two_factor_applies_to(user: User, memberships: Sequence[object]) -> bool:
    """Staff use two-factor: anyone working for an organisation, and Django admin users."""
    return user.is_authenticated and (bool(memberships) or user.is_staff or user.is_superuser)


def two_factor_required_for(user: User, memberships: Sequence[object]) -> bool:
    return settings.STAFF_TWO_FACTOR_REQUIRED and two_factor_applies_to(user, memberships)


def second_factor_done(user: User, session) -> bool:
    """The user entered a code this session, or signed in in a way that needs none."""
    return user.is_verified() or bool(session.get(STRONG_SIGN_IN_KEY))


def next_step_url(user: User, next_path: str) -> str:
    """Where a signed-in user who has not yet entered a code goes: to enter one, or to set
    up an authenticator app first; then back to `next_path`."""
    step = "account:verify" if authenticator_for(user) else "account:set_up"
    return f"{reverse(step)}?{urlencode({'next': next_path})}"


def authenticator_for(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-id").first()


def pending_authenticator_for(*, user: User) -> TOTPDevice:
    """The authenticator being set up: the same secret until it is confirmed, so reloading
    the page does not invalidate a QR code the user has already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def setup_key(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def setup_qr_code_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the otpauth:// address: no image file, no Pillow, no script."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    svg = image.get_image()
    svg.set("width", "220")
    svg.set("height", "220")
    svg.set("role", "img")
    svg.set("focusable", "false")
    svg.set("aria-label", "QR code to scan with your authenticator app")
    return ET.tostring(svg, encoding="unicode")


def confirm_authenticator(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm a new authenticator with its first code; it replaces any earlier one.

    Returns a fresh set of recovery codes, to be shown once.
    """
    _verify_on(user=user, device=device, code=code, wrong=WRONG_CODE)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = issue_recovery_codes(user=user)
    logger.info("Two-factor authenticator confirmed for user %s", user.public_id)
    return codes


def verify_code(*, user: User, code: str) -> Device:
    """Check a code from the authenticator app (6 digits) or a recovery code (used up here).

    Returns the device that accepted it; raises ValidationError with a message for the user.
    """
    if code.isdigit():
        device = authenticator_for(user)
        wrong = WRONG_CODE
    else:
        device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
        wrong = WRONG_RECOVERY_CODE
    if device is None:
        logger.warning("Two-factor verification failed for user %s: no such device", user.public_id)
        raise ValidationError(wrong, code="wrong")
    return _verify_on(user=user, device=device, code=code, wrong=wrong)


@transaction.atomic
def issue_recovery_codes(*, user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new single-use ones."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_CODES_NAME)
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    logger.info("Recovery codes issued for user %s", user.public_id)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _verify_on(*, user: User, device: Device, code: str, wrong: str) -> Device:
    # django-otp checks under a row lock in its own transaction, so a failure's throttle
    # increment is committed before we raise.
    allowed, details = device.verify_is_allowed()
    if not allowed:
        logger.warning(
            "Two-factor verification refused for user %s: throttled after %s failures",
            user.public_id,
            (details or {}).get("failure_count"),
        )
        raise ValidationError(_throttled_message(details), code="throttled")
    verified = django_otp.verify_token(user, device.persistent_id, code)
    if verified is None:
        logger.warning(
            "Two-factor verification failed for user %s on %s", user.public_id, device.name
        )
        raise ValidationError(wrong, code="wrong")
    return verified


def _throttled_message(details: dict | None) -> str:
    details = details or {}
    locked_until = details.get("locked_until")
    if details.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS and locked_until:
        seconds = max(1, round((locked_until - timezone.now()).total_seconds()))
        unit = "second" if seconds == 1 else "seconds"
        return f"You have entered too many wrong codes. Wait {seconds} {unit}, then try again."
    return "You cannot enter a code just now. Try again in a minute."
