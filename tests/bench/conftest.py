"""The tiny preset, loaded for a test: in its transaction, or committed for the client
processes and raw connections the benchmark opens (DATABASE_URL then names the test
database)."""

import os
from urllib.parse import urlsplit

import pytest
from django.db import connection

from bench import generate

TINY = generate.PRESETS["tiny"]


@pytest.fixture
def generated(db):
    return generate.generate(TINY, seed=3, log=lambda line: None)


@pytest.fixture
def committed(transactional_db, monkeypatch):
    url = urlsplit(os.environ["DATABASE_URL"])
    monkeypatch.setenv(
        "DATABASE_URL", url._replace(path=f"/{connection.settings_dict['NAME']}").geturl()
    )
    return generate.generate(TINY, seed=3, log=lambda line: None)
