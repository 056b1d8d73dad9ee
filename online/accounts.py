"""Patient accounts: made on first sign-in with NHS login, or registered with a practice's
single-use key, an email address that is then confirmed, and a password.

Nothing here shows patient data: each function returns an account or raises
`RegistrationRefused` with words for the patient that never say which detail was wrong.
"""

import datetime
import hashlib
import secrets
import uuid
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.access import Purpose, decide_then
from governance.actions import Action
from governance.audit import Actor, record_event
from governance.models import AuditEvent
from online.models import LinkageKey, PatientAccount
from patients.models import Patient
from patients.selectors import patient_with_nhs_number

if TYPE_CHECKING:
    from online.nhs_login import NhsLoginIdentity

KEY_LIFETIME = datetime.timedelta(days=28)
# No 0/O, 1/I/L, 5/S, 2/Z: a key is read off paper and typed on a phone.
_KEY_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
_KEY_GROUPS, _KEY_GROUP_LENGTH = 3, 4
EMAIL_CONFIRMATION_MAX_AGE = datetime.timedelta(days=2)
_EMAIL_SALT = "online.email-confirmation"


class RegistrationRefused(Exception):
    """Words for the patient, the same whichever detail did not match."""


def _user_for_new_account() -> object:
    """The account's user: recorded as the booker of what the patient books, never able to
    sign in anywhere (no password, no membership)."""
    user = get_user_model()(username=f"patient-{uuid.uuid4()}")
    user.set_unusable_password()
    user.save()
    return user


# NHS login --------------------------------------------------------------------------------


def account_for_patient(patient: Patient) -> PatientAccount:
    """The patient's online account, made if they have none (a patient the practice put on
    the waiting list, say): what they book is then recorded as booked by them, online."""
    account = PatientAccount.objects.filter(patient=patient).select_related("user").first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return PatientAccount.objects.create(patient=patient, user=_user_for_new_account())
    except IntegrityError:  # made a moment ago by another request
        return PatientAccount.objects.get(patient=patient)


def account_for_nhs_login(identity: "NhsLoginIdentity", *, actor: Actor) -> PatientAccount:
    """The account of the patient NHS login has proved, made on their first visit. Only a
    fully verified identity (P9) is matched to a record, by NHS number and date of birth."""
    account = PatientAccount.objects.filter(nhs_login_subject=identity.subject).first()
    if account is not None:
        return account
    if not identity.fully_verified:
        raise RegistrationRefused(
            "You need to prove who you are in NHS login before you can book appointments."
        )
    patient = patient_with_nhs_number(identity.nhs_number)
    if patient is None or patient.date_of_birth != identity.birthdate:
        record_event(
            actor=actor,
            action=Action.ONLINE_REGISTER,
            outcome=AuditEvent.Outcome.DENIED,
            reason="nhs-login: no matching record",
        )
        raise RegistrationRefused(_NO_RECORD)
    with transaction.atomic():
        account = PatientAccount.objects.filter(patient=patient).first()
        if account is None:
            account = PatientAccount(patient=patient, user=_user_for_new_account())
        account.nhs_login_subject = identity.subject
        account.identity_level = identity.identity_level
        if identity.email and identity.email_verified and not account.email:
            account.email = identity.email
        account.save()
        record_event(
            actor=Actor.for_patient(actor, account),
            action=Action.ONLINE_REGISTER,
            patient=patient,
            obj=account,
            reason="nhs-login",
        )
    return account


_NO_RECORD = (
    "We could not find your GP record. Contact your GP practice: they can check your details."
)


# Registration keys ------------------------------------------------------------------------


def _key_hash(key: str) -> str:
    normalised = "".join(ch for ch in key.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def new_key() -> str:
    """A key like "7KQM-3XHT-WD9P": 60 bits from an alphabet that reads off paper."""
    groups = (
        "".join(secrets.choice(_KEY_ALPHABET) for _ in range(_KEY_GROUP_LENGTH))
        for _ in range(_KEY_GROUPS)
    )
    return "-".join(groups)


def issue_linkage_key(*, by: Actor, patient: Patient) -> str:
    """A practice prints a registration key for one of its own patients; any earlier unused
    key stops working. Returns the key, which is kept only as a hash."""
    key = new_key()

    def issue() -> None:
        now = timezone.now()
        LinkageKey.objects.filter(patient=patient, used_at=None, revoked_at=None).update(
            revoked_at=now
        )
        LinkageKey.objects.create(
            practice=patient.registered_practice,
            patient=patient,
            key_hash=_key_hash(key),
            issued_by=by.user,
            expires_at=now + KEY_LIFETIME,
        )

    decide_then(
        by, patient, Purpose.MANAGE_REGISTRATION, action=Action.LINKAGE_KEY_ISSUE, then=issue
    )
    return key


def register_with_key(
    *,
    actor: Actor,
    key: str,
    nhs_number: str,
    date_of_birth: datetime.date,
    family_name: str,
    email: str,
    password: str,
) -> PatientAccount:
    """Register with a practice's key: the key must be live and the details must match the
    patient it was printed for. The email address is confirmed before the patient can sign
    in with it (`confirm_email`)."""
    now = timezone.now()
    with transaction.atomic():
        linkage = (
            LinkageKey.objects.select_for_update()
            .select_related("patient")
            .filter(key_hash=_key_hash(key), used_at=None, revoked_at=None, expires_at__gt=now)
            .first()
        )
        patient = linkage.patient if linkage else None
        matches = (
            patient is not None
            and patient.nhs_number == nhs_number
            and patient.date_of_birth == date_of_birth
            and patient.family_name.strip().casefold() == family_name.strip().casefold()
        )
        if matches:
            account = _account_with_password(
                actor, linkage, email=email, password=password, now=now
            )
    if not matches:
        # Outside the transaction: the refusal stands.
        record_event(
            actor=actor,
            action=Action.ONLINE_REGISTER,
            outcome=AuditEvent.Outcome.DENIED,
            reason="registration key: details do not match",
        )
        raise RegistrationRefused(
            "The registration key and details you entered do not match our records. "
            "Check them against the letter from your GP practice."
        )
    return account


def _account_with_password(
    actor: Actor, linkage: LinkageKey, *, email: str, password: str, now
) -> PatientAccount:
    patient = linkage.patient
    account = PatientAccount.objects.filter(patient=patient).first()
    if account is not None and account.password:
        raise RegistrationRefused(
            "You have already registered. Sign in with your email address and password."
        )
    if account is None:
        account = PatientAccount(patient=patient, user=_user_for_new_account())
    account.email = email.strip().lower()
    account.password = make_password(password)
    account.email_verified_at = None
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise RegistrationRefused(
            "That email address is already used by another account. Use a different one."
        ) from None
    linkage.used_at = now
    linkage.save(update_fields=["used_at"])
    record_event(
        actor=Actor.for_patient(actor, account),
        action=Action.ONLINE_REGISTER,
        patient=patient,
        obj=account,
        reason="registration key",
    )
    return account


def email_confirmation_token(account: PatientAccount) -> str:
    return signing.dumps(
        {"account": str(account.public_id), "email": account.email}, salt=_EMAIL_SALT
    )


def confirm_email(token: str) -> PatientAccount:
    """Mark the address the token was sent to as confirmed. Raises RegistrationRefused for a
    token that is forged, expired or for an address since changed."""
    try:
        claim = signing.loads(
            token, salt=_EMAIL_SALT, max_age=EMAIL_CONFIRMATION_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        raise RegistrationRefused(
            "This link has expired or is not right. Sign in to get a new one."
        ) from None
    account = PatientAccount.objects.filter(
        public_id=claim["account"], email=claim["email"]
    ).first()
    if account is None:
        raise RegistrationRefused(
            "This link has expired or is not right. Sign in to get a new one."
        )
    if account.email_verified_at is None:
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
    return account


def account_with_password(email: str, password: str) -> PatientAccount | None:
    """The account with this email address and password, if there is one. The password is
    checked either way, so a miss takes as long as a hit."""
    account = (
        PatientAccount.objects.filter(email=email.strip().lower()).exclude(password="").first()
    )
    if account is None:
        make_password(password)
        return None
    return account if check_password(password, account.password) else None
