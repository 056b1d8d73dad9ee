"""Identity, and the records that decide and prove who may see which patient."""

from governance.models.access import AccessGrant, BreakGlass, Relationship, Review
from governance.models.alerts import Alert
from governance.models.audit import AuditEvent, AuditEventPatient, AuditSeal, AuditVerification
from governance.models.identity import User
from governance.models.sharing import Consent, Scope, SharingAgreement

__all__ = [
    "AccessGrant",
    "Alert",
    "AuditEvent",
    "AuditEventPatient",
    "AuditSeal",
    "AuditVerification",
    "BreakGlass",
    "Consent",
    "Relationship",
    "Review",
    "Scope",
    "SharingAgreement",
    "User",
]
