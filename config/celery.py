"""The Celery application: tasks live in each app's tasks.py; beat runs the schedule below.

Run workers in Celery's threads pool, many tasks in flight per process:

    celery -A config worker --pool threads --concurrency 32

A write-back delivery spends nearly all its time waiting on the practice system (three or
four GP Connect calls), so one process keeps 32 in flight rather than one each in more
processes (ADR 0006). Each thread has its own database connection, opened and closed around
every task by Celery's Django fix-up (allow PostgreSQL 32 connections a process), and all
share the process's pooled connections to each practice system. Add processes, or hosts,
for CPU. Scheduled jobs need `celery -A config beat` beside them.
"""

import os

import structlog
from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_ready
from django.dispatch import receiver
from django_structlog.celery.signals import bind_extra_task_metadata
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hubdiary")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Structured logs in workers (config/logs.py): each task's lines carry its name and id, and
# the request id and organisation of the request that enqueued it.
app.steps["worker"].add(DjangoStructLogInitStep)


@receiver(bind_extra_task_metadata)
def _bind_task_name(task, logger, **kwargs) -> None:
    structlog.contextvars.bind_contextvars(task=task.name)


@worker_ready.connect
def _serve_metrics(**kwargs) -> None:
    """A worker's counters for Prometheus on WORKER_METRICS_PORT, when it is set."""
    from django.conf import settings

    from config.metrics import serve_worker_metrics

    if settings.WORKER_METRICS_PORT:
        serve_worker_metrics(settings.WORKER_METRICS_PORT)


app.conf.beat_schedule = {
    "send-agreement-reminders": {
        "task": "governance.send_agreement_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "expire-access-grants": {
        "task": "governance.expire_access_grants",
        "schedule": crontab(minute="*/15"),
    },
    # Every audit chain's head, sealed: how long the end of a chain can go unvouched for.
    "seal-audit-trail": {
        "task": "governance.seal_audit_trail",
        "schedule": crontab(minute="*/15"),
    },
    # The whole audit trail walked at night, its result kept for monitoring (an alert fires
    # when it finds a broken link, or when it has not run for two days).
    "verify-audit-trail": {
        "task": "governance.verify_audit_trail",
        "schedule": crontab(hour=2, minute=30),
    },
    # Write-back whose enqueue was lost (broker down) or whose worker died: delayed, not lost.
    "sweep-write-back": {
        "task": "writeback.sweep_write_back",
        "schedule": float(os.environ.get("WRITE_BACK_SWEEP_SECONDS") or 30),
    },
    # Sessions whose unbooked slots reach urgent care and NHS 111 now: stamped and audited.
    "hand-over-unused-capacity": {
        "task": "booking.record_unused_releases",
        "schedule": crontab(minute="*/5"),
    },
    # Each practice's daily slots for NHS 111 direct booking, kept for the coming week.
    "keep-nhs111-reservations": {
        "task": "booking.keep_nhs111_reservations",
        "schedule": crontab(minute="*/15"),
    },
    # The reports' summary tables: the recent past and the weeks ahead often, the year nightly
    # (after the audit trail's walk, so the two heavy reads do not meet).
    "refresh-recent-report-summaries": {
        "task": "reports.refresh_recent_summaries",
        "schedule": crontab(minute="*/15"),
    },
    "refresh-year-report-summaries": {
        "task": "reports.refresh_year_summaries",
        "schedule": crontab(hour=3, minute=15),
    },
    # Patients reminded of their appointment the day before, once each.
    "remind-patients": {
        "task": "booking.remind_patients",
        "schedule": crontab(minute="*/10"),
    },
    # Waiting lists: expired offers passed on, freed slots offered to those waiting.
    "offer-free-slots": {
        "task": "online.offer_free_slots",
        "schedule": crontab(minute="*/2"),
    },
    # Care tasks not accepted in time, or overdue: to the key worker, then the team's lead.
    "escalate-care-tasks": {
        "task": "caretracker.escalate_tasks",
        "schedule": crontab(minute="*/5"),
    },
    # Care and escalation plans whose review is a week away: their key workers reminded.
    "remind-plan-reviews": {
        "task": "caretracker.remind_reviews",
        "schedule": crontab(hour=7, minute=15),
    },
    # Email and text messages that failed, or that a stopped process left unsent.
    "send-pending-email": {
        "task": "notifications.send_pending",
        "schedule": crontab(minute="*/5"),
    },
    # How sent messages went, asked of Notify where its delivery receipts are not set up.
    "check-message-delivery": {
        "task": "notifications.check_delivery",
        "schedule": crontab(minute="*/10"),
    },
    # Linked practices' free slots from their own systems, reconciled with the hub's.
    "import-all-practice-slots": {
        "task": "writeback.import_all_practice_slots",
        "schedule": crontab(minute="*/15"),
    },
}
