"""The service desk links a practice to its clinical system; the link stays off."""

import pytest
from django.core.management import CommandError, call_command

from practices.models import ClinicalSystemLink


def test_a_practice_is_linked_with_its_link_off(practice_a, capsys):
    call_command("link_clinical_system", practice=practice_a.ods_code, base_url="http://a.test/")
    link = ClinicalSystemLink.objects.get(practice=practice_a)
    assert link.base_url == "http://a.test/" and not link.enabled
    assert "the practice manager turns it on" in capsys.readouterr().out


def test_relinking_keeps_the_practice_managers_choice(practice_a):
    ClinicalSystemLink.objects.create(
        practice=practice_a, base_url="http://old.test/", enabled=True
    )
    call_command("link_clinical_system", practice=practice_a.ods_code, base_url="http://new.test/")
    link = ClinicalSystemLink.objects.get(practice=practice_a)
    assert link.base_url == "http://new.test/" and link.enabled


def test_only_gp_practices_and_urls(practice_a, hub):
    with pytest.raises(CommandError, match="No GP practice"):
        call_command("link_clinical_system", practice=hub.ods_code, base_url="http://a.test/")
    with pytest.raises(CommandError, match="is not a URL"):
        call_command("link_clinical_system", practice=practice_a.ods_code, base_url="a.test")
