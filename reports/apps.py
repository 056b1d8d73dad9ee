from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Reports: Enhanced Access compliance and the figures commissioners ask for."""

    name = "reports"
    verbose_name = "Reports"
