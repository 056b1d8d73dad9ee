"""The roles staff hold at an organisation. Permissions follow from them (permissions.py)."""

from django.db import models


class Role(models.TextChoices):
    PRACTICE_MANAGER = "practice-manager", "Practice manager"
    PRACTICE_RECEPTIONIST = "practice-receptionist", "Practice receptionist"
    HUB_MANAGER = "hub-manager", "Hub manager"
    HUB_RECEPTIONIST = "hub-receptionist", "Hub receptionist"
    URGENT_CARE_CLINICIAN = "urgent-care-clinician", "Urgent-care clinician"
    CLINICIAN = "clinician", "Clinician"
    CARE_COORDINATOR = "care-coordinator", "Care coordinator"
    IG_LEAD = "ig-lead", "IG lead"
    DISTRICT_NURSE = "district-nurse", "District nurse"
    CARE_HOME_STAFF = "care-home-staff", "Care home staff"
    SOCIAL_WORKER = "social-worker", "Social worker"
    HOSPITAL_CLINICIAN = "hospital-clinician", "Hospital clinician"
