from django.apps import AppConfig


class PatientRecordConfig(AppConfig):
    """Staff pages about patients: the practice's registered patients, registering and
    changing them, finding a patient across practices, and the patient's page."""

    name = "patient_record"
