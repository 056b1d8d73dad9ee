"""The reports' scheduled jobs: thin wrappers that keep the summary tables."""

from celery import shared_task

from reports import summaries


@shared_task(name="reports.refresh_recent_summaries")
def refresh_recent_summaries() -> int:
    return summaries.refresh_recent()


@shared_task(name="reports.refresh_year_summaries")
def refresh_year_summaries() -> int:
    return summaries.refresh_year()
