"""Fixtures of the billing tests."""

import pytest

from .factories import staff


@pytest.fixture
def regisseur(client, site):
    """A régisseur, signed in to the admin."""
    user = staff("Régisseurs")
    client.force_login(user)
    return user
