from django.apps import AppConfig


class CarediaryConfig(AppConfig):
    """The care diary: urgent-care, out-of-hours and NHS 111 staff find a patient, see what
    they may, book them into an evening or weekend slot and log the contact."""

    name = "carediary"
    verbose_name = "Care diary"
