import logging

import pytest

from config.logs import REDACTED, logging_config, redact_nhs_numbers
from tests.config.logs_capture import capture_logs


@pytest.mark.parametrize("written", ["9434765919", "943 476 5919", "943-476-5919"])
def test_an_nhs_number_in_a_message_is_redacted_however_it_is_written(written):
    with capture_logs() as logs:
        logging.getLogger("hubdiary.tests").warning("Looked for %s", written)
    [line] = logs.json()
    assert line["event"] == f"Looked for {REDACTED}"


def test_an_nhs_number_in_a_field_or_an_exception_is_redacted():
    with capture_logs() as logs:
        try:
            raise ValueError("Key (nhs_number)=(9434765919) already exists.")
        except ValueError:
            logging.getLogger("hubdiary.tests").exception(
                "Could not save", extra={"searched": "943 476 5919"}
            )
    [line] = logs.json()
    assert line["searched"] == REDACTED
    assert "9434765919" not in line["exception"]
    assert "Could not save" in line["event"]


def test_numbers_that_are_not_nhs_number_shaped_are_left_alone():
    event = {
        "event": "Write-back 12345 retried after 1800 seconds",
        "request_id": "4f9c2a7e1234567890ab",
        "phone": "0161 496 0000",
        "ods_code": "Y01234",
    }
    assert redact_nhs_numbers(None, "info", dict(event)) == event


def test_log_format_must_be_json_or_console():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")
    assert logging_config(log_format="console", level="INFO")["root"]["level"] == "INFO"
