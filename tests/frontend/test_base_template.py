"""The page frame every staff page shares."""

import re

from django.urls import reverse


def test_the_back_link_is_inside_the_main_landmark(client_for, receptionist_practice_a, patient_a):
    page = client_for(receptionist_practice_a).get(
        reverse("patients:detail", args=[patient_a.public_id])
    )
    main = re.search(r"<main\b.*?</main>", page.content.decode(), re.S).group(0)
    assert 'class="nhsuk-back-link"' in main
    before_main = page.content.decode().split("<main", 1)[0]
    assert "nhsuk-back-link" not in before_main
