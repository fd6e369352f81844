"""What a gate keeper meets on a phone: the sign-out list is one tap away from the top."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import VALID_ID

pytestmark = pytest.mark.django_db


def test_gate_page_links_to_the_visitors_inside_only_when_someone_is(as_user, carol):
    client = as_user(carol)
    assert 'href="#inside-heading"' not in client.get(reverse("registers:gate")).content.decode()
    client.post(
        reverse("registers:gate"),
        {"name": "钱七", "id_type": "resident", "id_number": VALID_ID, "purpose": "送货"},
    )
    page = client.get(reverse("registers:gate")).content.decode()
    assert 'href="#inside-heading"' in page and "1人在校 · 登记离校" in page
    assert 'id="inside-heading"' in page
