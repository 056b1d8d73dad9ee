from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Email and text messages through one backend: console in the demo, a recording fake
    in tests, GOV.UK Notify in production."""

    name = "notifications"
    verbose_name = "Notifications"
