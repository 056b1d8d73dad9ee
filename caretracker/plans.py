"""Care and escalation plans, versioned: every change is a new version, numbered, with who
made it, when and why; earlier versions stay readable and each is compared field by field
with the one before."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max

from caretracker.models import CarePlan, Enrolment, EscalationPlan, PlanVersion
from caretracker.reviews import review_done
from governance.access import Purpose, decide_then
from governance.actions import Action
from governance.audit import Actor

PLANS = {"care": CarePlan, "escalation": EscalationPlan}
# The fields that make up each plan, in the order a page shows them.
CONTENT = {
    CarePlan: ("summary", "needs", "goals", "actions", "review_due"),
    EscalationPlan: (
        "when_deteriorating",
        "who_to_call",
        "preferences",
        "resuscitation",
        "resuscitation_recorded_in",
        "review_due",
    ),
}


class PlanConflict(Exception):
    """Someone saved a new version first."""


def save_plan(
    *, by: Actor, enrolment: Enrolment, model: type[PlanVersion], change_note: str, **content
) -> PlanVersion:
    """Add the next version of the plan. Two people saving at once: one wins, the other is
    told to look again."""

    def add() -> PlanVersion:
        latest = model.objects.filter(enrolment=enrolment).aggregate(n=Max("number"))["n"] or 0
        try:
            with transaction.atomic():
                plan = model.objects.create(
                    enrolment=enrolment,
                    number=latest + 1,
                    change_note=change_note,
                    changed_by=by.user,
                    changed_by_organisation=by.membership.organisation,
                    **content,
                )
        except IntegrityError as error:
            raise PlanConflict("Someone saved a new version just now; look again.") from error
        review_done(enrolment, model)
        return plan

    return decide_then(
        by, enrolment.patient, Purpose.CARE_TRACKER, action=Action.CARE_PLAN_CHANGE, then=add
    )


@dataclass(frozen=True)
class Version:
    plan: PlanVersion
    changed: list[tuple[str, str, str]]  # field label, before, after


def history(model: type[PlanVersion], enrolment: Enrolment) -> list[Version]:
    """Every version, newest first, each with what changed from the one before."""
    versions = list(
        model.objects.select_related("changed_by", "changed_by_organisation")
        .filter(enrolment=enrolment)
        .order_by("number")
    )
    out, before = [], None
    for plan in versions:
        changed = []
        for name in CONTENT[model]:
            field = model._meta.get_field(name)
            old = _shown(before, name) if before else ""
            new = _shown(plan, name)
            if before is None or old != new:
                changed.append((str(field.verbose_name).capitalize(), old, new))
        out.append(Version(plan, changed))
        before = plan
    return out[::-1]


def _shown(plan: PlanVersion, name: str) -> str:
    display = getattr(plan, f"get_{name}_display", None)
    return str(display() if display else getattr(plan, name))
