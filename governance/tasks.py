"""Scheduled governance jobs: thin wrappers over the services."""

from celery import shared_task

from governance import grants, seals, sharing, verification


@shared_task(name="governance.send_agreement_reminders")
def send_agreement_reminders() -> int:
    return sharing.send_agreement_reminders()


@shared_task(name="governance.expire_access_grants")
def expire_access_grants() -> int:
    return grants.expire_access_grants()


@shared_task(name="governance.seal_audit_trail")
def seal_audit_trail() -> int:
    """Seal every audit chain's head; the seal's number."""
    return seals.seal_audit_trail().sequence


@shared_task(name="governance.verify_audit_trail")
def verify_audit_trail() -> int:
    """Walk the whole audit trail (as `manage.py verify_audit` does) and keep the result for
    monitoring; how many chains are broken."""
    return verification.verify_audit_trail().broken_chains
