"""Searchset Bundles."""

from gpconnect.resources.bundle import resources_in, searchset
from gpconnect.resources.practitioner import Practitioner


def test_searchset_bundle_lists_resources_with_full_urls():
    bundle = searchset([Practitioner(id="P1", family="Hughes").to_fhir()])

    assert bundle["type"] == "searchset"
    assert bundle["entry"][0]["fullUrl"] == "Practitioner/P1"
    assert resources_in(bundle, "Practitioner")[0]["id"] == "P1"
    assert resources_in(bundle, "Slot") == []
