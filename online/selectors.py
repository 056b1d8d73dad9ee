"""What the patient may read about their own record: who has looked at it."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from governance.access import Basis
from governance.audit import PATIENT_ROLE
from governance.models import AuditEvent, AuditEventPatient, BreakGlass
from patients.models import Patient


def record_access(patient: Patient) -> QuerySet[AuditEvent]:
    """Staff access to the patient's record, allowed, newest first: events about them and
    lists that showed them. Their own actions and the system's are left out."""
    listed = AuditEventPatient.objects.filter(event=OuterRef("pk"), patient=patient)
    return (
        AuditEvent.objects.filter(Q(patient=patient) | Q(Exists(listed)))
        .filter(outcome=AuditEvent.Outcome.ALLOWED)
        .exclude(actor_role=PATIENT_ROLE)
        .exclude(actor__isnull=True)
        .order_by("-occurred_at", "-pk")
    )


def break_glass_reasons(patient: Patient, events) -> dict[int, str]:
    """For the break-glass events among `events`, the reason the person gave, by event."""
    glass = [e for e in events if e.basis == Basis.BREAK_GLASS]
    if not glass:
        return {}
    records = list(BreakGlass.objects.filter(patient=patient).order_by("started_at"))
    reasons = {}
    for event in glass:
        covering = [
            r
            for r in records
            if r.user_id == event.actor_id and r.started_at <= event.occurred_at <= r.expires_at
        ]
        if covering:
            record = covering[-1]
            reasons[event.pk] = f"{record.get_reason_code_display()}: {record.reason}"
    return reasons
