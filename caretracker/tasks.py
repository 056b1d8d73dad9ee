"""The care tracker's scheduled jobs: thin wrappers that call its services."""

from celery import shared_task

from caretracker.escalation import escalate_tasks
from caretracker.reviews import remind_reviews


@shared_task(name="caretracker.escalate_tasks")
def escalate_care_tasks() -> int:
    return escalate_tasks()


@shared_task(name="caretracker.remind_reviews")
def remind_plan_reviews() -> int:
    return remind_reviews()
