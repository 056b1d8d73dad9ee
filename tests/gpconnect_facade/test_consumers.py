"""Registering a consumer system, by service and by management command."""

import io

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import CommandError, call_command

from governance.audit import Actor
from governance.models import AuditEvent
from governance.permissions import Perm
from gpconnect_facade.consumers import InvalidPublicKey, register_consumer
from gpconnect_facade.models import Consumer


def test_a_registered_consumer_gets_an_asid_a_key_and_a_booking_role(ae_department):
    registration = register_consumer(by=Actor.system(), organisation=ae_department, name="ED")

    consumer = registration.consumer
    assert len(consumer.asid) == 12 and consumer.asid.isdigit()
    assert "PRIVATE KEY" in registration.private_key_pem
    assert "PUBLIC KEY" in consumer.public_key and "PRIVATE" not in consumer.public_key
    actor = Actor(user=consumer.membership.user, membership=consumer.membership)
    assert Perm.BOOK_FOR_PATIENTS in actor.permissions
    assert not consumer.membership.user.has_usable_password()
    assert AuditEvent.objects.filter(action="gpconnect.register").exists()


def test_a_consumer_may_register_its_own_public_key_and_keep_its_private_key(ae_department):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )

    registration = register_consumer(
        by=Actor.system(), organisation=ae_department, name="ED", public_key_pem=pem
    )

    assert registration.private_key_pem == ""
    assert registration.consumer.public_key.strip() == pem.strip()


@pytest.mark.parametrize(
    "pem", ["not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"]
)
def test_a_public_key_that_is_not_one_is_refused(ae_department, pem):
    with pytest.raises(InvalidPublicKey):
        register_consumer(
            by=Actor.system(), organisation=ae_department, name="ED", public_key_pem=pem
        )
    assert not Consumer.objects.exists()


def test_the_command_prints_the_credentials(ae_department, settings):
    out = io.StringIO()

    call_command("register_gpconnect_consumer", "--ods", "rzz01", "--name", "ED system", stdout=out)

    consumer = Consumer.objects.get()
    printed = out.getvalue()
    assert f"Ssp-From (the consumer's ASID): {consumer.asid}" in printed
    assert f"Ssp-To (the hub endpoint's ASID): {settings.GPCONNECT_PROVIDER_ASID}" in printed
    assert "BEGIN PRIVATE KEY" in printed


def test_the_command_refuses_an_unknown_ods_code(db):
    with pytest.raises(CommandError, match="No organisation"):
        call_command("register_gpconnect_consumer", "--ods", "ZZZ99", "--name", "X")
