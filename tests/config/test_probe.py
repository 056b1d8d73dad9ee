"""The containers' health probe, against a live server of ours."""

from urllib.parse import urlsplit

import pytest

from config.probe import main, probe, probe_host


@pytest.fixture
def port(live_server) -> int:
    return urlsplit(live_server.url).port


def test_the_probe_passes_when_the_node_is_healthy(port):
    assert probe("/healthz", port=port, host="localhost")


def test_the_probe_fails_on_an_answer_other_than_200(port):
    assert not probe("/no-such-page", port=port, host="localhost")


def test_the_probe_fails_as_a_host_the_site_does_not_serve(port):
    assert not probe("/healthz", port=port, host="elsewhere.example.org")


def test_the_probe_fails_when_nothing_listens(port):
    assert not probe("/healthz", port=1, host="localhost", timeout=1)


def test_the_probe_asks_as_the_first_allowed_host(port, monkeypatch):
    monkeypatch.setenv("PORT", str(port))
    monkeypatch.setenv("ALLOWED_HOSTS", "localhost,hubdiary.example.nhs.uk")
    assert main(["probe", "/healthz"]) == 0
    monkeypatch.setenv("ALLOWED_HOSTS", "hubdiary.example.nhs.uk")
    assert main(["probe", "/healthz"]) == 1


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("hubdiary.example.nhs.uk,other.example.nhs.uk", "hubdiary.example.nhs.uk"),
        (".example.nhs.uk", "example.nhs.uk"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_probe_host_is_one_allowed_hosts_lets_in(allowed, host):
    assert probe_host(allowed) == host
