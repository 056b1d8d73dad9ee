"""The hub's GP Connect endpoint in the demo: Yorkshire NHS 111's system is a registered
consumer with a fixed ASID. `run_demo` keeps its private key in var/ and the consumer's
public key in step with it, so that the README's example request can be copied and run."""

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from governance.audit import Actor
from gpconnect_facade.consumers import public_key_of, register_consumer, replace_key
from gpconnect_facade.models import Consumer

DEMO_CONSUMER_ASID = "900000000111"
DEMO_CONSUMER_ODS = "NZZ02"


def demo_consumer_key_file() -> Path:
    return Path(settings.VAR_DIR) / "gpconnect-demo-consumer.pem"


def load_gpconnect_consumer(organisations, admin) -> None:
    register_consumer(
        by=Actor.system(admin),
        organisation=organisations[DEMO_CONSUMER_ODS],
        name="Yorkshire NHS 111 (demo system)",
        asid=DEMO_CONSUMER_ASID,
    )


def ensure_demo_consumer_key() -> Path | None:
    """The demo consumer's private key file, made if missing, with the consumer's public key
    set to its other half; None when the demo data has no such consumer."""
    consumer = Consumer.objects.filter(asid=DEMO_CONSUMER_ASID).first()
    if consumer is None:
        return None
    key_file = demo_consumer_key_file()
    if not key_file.exists():
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_bytes(
            private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_file.chmod(0o600)
    public = public_key_of(key_file.read_text())
    if consumer.public_key.strip() != public.strip():
        replace_key(by=Actor.system(), consumer=consumer, public_key_pem=public)
    return key_file
