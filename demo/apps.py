from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictional demo hub and the `make demo` runner; nothing else imports it."""

    name = "demo"
