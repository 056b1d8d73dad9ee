from django.apps import AppConfig


class GPConnectFacadeConfig(AppConfig):
    """The hub as a GP Connect provider, for systems that already speak GP Connect."""

    name = "gpconnect_facade"
    verbose_name = "GP Connect facade"
