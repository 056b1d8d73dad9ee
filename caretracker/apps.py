from django.apps import AppConfig


class CaretrackerConfig(AppConfig):
    """Care plans, care teams, tasks and hand-overs for complex patients."""

    name = "caretracker"
    verbose_name = "Care tracker"
