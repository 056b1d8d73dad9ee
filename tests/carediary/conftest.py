from tests.caretracker.conftest import ae_shares_care_tracker, care_home, resident  # noqa: F401
