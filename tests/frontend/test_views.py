"""The error pages: NHS-styled for people, the API's JSON error shape under /api/."""

import json

from django.test import RequestFactory

from frontend.views import page_not_found


def test_not_found_under_the_api_is_json_in_the_apis_shape():
    response = page_not_found(RequestFactory().get("/api/v1/no-such-thing/"))
    assert (response.status_code, response["Content-Type"]) == (404, "application/json")
    assert json.loads(response.content) == {
        "error": {"code": "not-found", "message": "Not found.", "details": {}}
    }
    assert response["Cache-Control"] == "no-store"


def test_not_found_elsewhere_is_a_page(db):
    response = page_not_found(RequestFactory().get("/apiary/"))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
