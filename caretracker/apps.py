from django.apps import AppConfig


class CaretrackerConfig(AppConfig):
    """Care plans, care teams, tasks and hand-overs for complex patients."""

    name = "caretracker"
    verbose_name = "Care tracker"

    def ready(self) -> None:
        from caretracker.contacts import CONTACT
        from caretracker.teams import CARE_TEAM
        from governance.access import register_source, register_team_source

        register_source(CONTACT)
        register_team_source(CARE_TEAM)
