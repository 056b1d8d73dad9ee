from django.apps import AppConfig


class FrontendConfig(AppConfig):
    """NHS.UK design-system forms, template tags and error pages shared by every app."""

    name = "frontend"
