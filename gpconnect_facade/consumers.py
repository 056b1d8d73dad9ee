"""Registering a consumer system: its ASID, its key and the service account it acts through."""

import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.db import transaction

from governance.actions import Action
from governance.audit import Actor, record_event
from governance.staff import grant_membership
from gpconnect_facade.models import Consumer
from practices.models import Organisation
from practices.roles import Role

# The role a consumer system acts in: what urgent-care staff may do in the care diary
# (find a patient to book for, book, amend and cancel what they booked), no more.
CONSUMER_ROLE = Role.URGENT_CARE_CLINICIAN


class InvalidConsumer(ValueError):
    pass


class InvalidPublicKey(InvalidConsumer):
    pass


@dataclass(frozen=True)
class Registration:
    consumer: Consumer
    private_key_pem: str  # only when we made the key pair; never stored


def _new_asid() -> str:
    while True:
        asid = "9" + "".join(secrets.choice("0123456789") for _ in range(11))
        if not Consumer.objects.filter(asid=asid).exists():
            return asid


def _public_pem(private_key: rsa.RSAPrivateKey) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _checked_public_key(pem: str) -> str:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise InvalidPublicKey("The public key is not a PEM public key.") from exc
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise InvalidPublicKey("The public key must be an RSA key of 2048 bits or more.")
    return pem.strip() + "\n"


def register_consumer(
    *,
    by: Actor,
    organisation: Organisation,
    name: str,
    public_key_pem: str = "",
    asid: str = "",
) -> Registration:
    """Register a system of `organisation`, by its Spine ASID if it has one (else one is
    made). With no public key given, a key pair is made and the private key returned once,
    for the system's owner to keep."""
    if asid and (len(asid) != 12 or not asid.isdigit()):
        raise InvalidConsumer("An ASID is 12 digits.")
    if asid and Consumer.objects.filter(asid=asid).exists():
        raise InvalidConsumer(f"A consumer with ASID {asid} is registered already.")
    private_pem = ""
    if public_key_pem:
        public_pem = _checked_public_key(public_key_pem)
    else:
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        public_pem = _public_pem(private_key)
    with transaction.atomic():
        asid = asid or _new_asid()
        user = get_user_model().objects.create(
            username=f"gpconnect-{asid}", first_name=name[:150], is_active=True
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        membership = grant_membership(
            by=by, user=user, organisation=organisation, role=CONSUMER_ROLE
        )
        consumer = Consumer.objects.create(
            name=name,
            organisation=organisation,
            asid=asid,
            public_key=public_pem,
            membership=membership,
        )
        record_event(actor=by, action=Action.GPCONNECT_CONSUMER_REGISTER, obj=consumer)
    return Registration(consumer=consumer, private_key_pem=private_pem)


def replace_key(*, by: Actor, consumer: Consumer, public_key_pem: str) -> Consumer:
    """The consumer signs with a new key from now on (a key rotated, or one compromised)."""
    consumer.public_key = _checked_public_key(public_key_pem)
    with transaction.atomic():
        consumer.save(update_fields=["public_key"])
        record_event(actor=by, action=Action.GPCONNECT_CONSUMER_KEY, obj=consumer)
    return consumer


def public_key_of(private_key_pem: str) -> str:
    """The public half of a PEM private key."""
    private_key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise InvalidPublicKey("The key must be an RSA key.")
    return _public_pem(private_key)
