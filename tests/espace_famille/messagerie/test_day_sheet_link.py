"""From the day sheet, «Écrire aux familles de ce jour» opens the message form on that activity and that day, for
the staff who may write to families only."""

from html import unescape

import pytest

from espace_famille.comptes.roles import INSTRUCTORS
from tests.factories import UserFactory, role

from .setup import DAY, family_with_child, soir

pytestmark = pytest.mark.django_db


def test_the_day_sheet_opens_the_message_to_the_families_of_that_day(client, site):
    activity = soir()
    family_with_child("DURANT", activity=activity)
    instructor = UserFactory(email="instructeur@example.org")
    instructor.groups.add(role(INSTRUCTORS))
    client.force_login(instructor)
    sheet = unescape(
        client.get(f"/admin/feuille-de-presence/?activity={activity.pk}&day={DAY:%Y-%m-%d}").content.decode()
    )
    link = f"/admin/messages-familles/ecrire/?activite={activity.pk}&jour={DAY:%Y-%m-%d}"
    assert f'href="{link}">Écrire aux familles de ce jour</a>' in sheet
    form = client.get(link)
    assert form.status_code == 200
    page = unescape(form.content.decode())
    assert f'<option value="{activity.pk}" selected>' in page and f'value="{DAY:%Y-%m-%d}"' in page
    # Who reads the sheet without writing to families does not get the button.
    instructor.groups.clear()
    reader = UserFactory(email="lecteur@example.org")
    reader.user_permissions.add(*role(INSTRUCTORS).permissions.exclude(content_type__app_label="messagerie"))
    client.force_login(reader)
    sheet = client.get(f"/admin/feuille-de-presence/?activity={activity.pk}&day={DAY:%Y-%m-%d}").content.decode()
    assert "Écrire aux familles de ce jour" not in sheet
