"""Plans come up for review: a week before a care or escalation plan's review date, its key
worker is alerted and emailed. Run daily by a scheduled job; each plan version's reminder
goes once however often the job runs, and saving a new version closes the alert."""

import datetime
import uuid

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from caretracker.models import CarePlan, Enrolment, EscalationPlan, PlanVersion
from core.time import london_date
from governance.alerts import alert_person, resolve_alerts
from governance.models import Alert
from notifications.services import send_email

REMIND_BEFORE = datetime.timedelta(days=7)
# The page each plan is reviewed on, and how a reminder names it.
PLAN_PAGES = {
    CarePlan: ("caretracker:care_plan", "care plan"),
    EscalationPlan: ("caretracker:escalation_plan", "escalation plan"),
}


def plan_reference(enrolment: Enrolment, model: type[PlanVersion]) -> uuid.UUID:
    """One stable reference per patient's plan, for the alerts about its review: the plan's
    versions have no public id of their own, and each alert names no patient."""
    return uuid.uuid5(enrolment.public_id, model.__name__)


def plans_due(model: type[PlanVersion], *, by: datetime.date):
    """The latest version of each active patient's plan whose review falls by `by`."""
    latest = (
        model.objects.filter(enrolment=OuterRef("enrolment")).order_by("-number").values("number")
    )
    return (
        model.objects.filter(
            number=Subquery(latest[:1]), review_due__lte=by, enrolment__ended_at__isnull=True
        )
        .select_related("enrolment__key_worker", "enrolment__key_worker_organisation")
        .order_by("review_due", "pk")
    )


def remind_reviews(now: datetime.datetime | None = None) -> int:
    """Alert and email each key worker whose plan review is a week away or past. Returns how
    many reminders were sent for the first time."""
    today = london_date(now or timezone.now())
    sent = 0
    for model, (url_name, label) in PLAN_PAGES.items():
        for plan in plans_due(model, by=today + REMIND_BEFORE):
            enrolment = plan.enrolment
            due = plan.review_due.strftime("%-d %B %Y")
            link = reverse(url_name, kwargs={"enrolment_id": enrolment.public_id})
            alert_person(
                user=enrolment.key_worker,
                organisation=enrolment.key_worker_organisation,
                kind=Alert.Kind.REVIEW_DUE,
                message=f"A {label} you keep is due for review on {due}",
                reference=plan_reference(enrolment, model),
                link=link,
            )
            sent += send_email(
                key=f"review:{plan_reference(enrolment, model)}:{plan.number}",
                to=enrolment.key_worker.email,
                template="review-due",
                personalisation={"plan": label, "due": due, "link": link},
            )
    return sent


def review_done(enrolment: Enrolment, model: type[PlanVersion]) -> None:
    """A new version was saved: the reminder about the old one is settled."""
    resolve_alerts(reference=plan_reference(enrolment, model), kinds=[Alert.Kind.REVIEW_DUE])
