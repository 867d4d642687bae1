"""The demo command asks every app that has demo data, and prints the logins the README documents."""

import io
from importlib.util import find_spec

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cms.management.commands.load_demo import DEMO_APPS

LOGINS = """\
Collectivité de démonstration chargée.
Mot de passe de tous les comptes de démonstration : Portail2026!
  Famille DURANT  code abonné DURANT2026  compte jean.durant@example.org
      facture : code émission EM2018DUR, référence 2018-2544, montant 6.50, code personnel PDUR44
  Famille ADERNO  code abonné ADERNO2026  compte (pas de compte : créez-en un et abonnez-vous)
      facture : code émission EM2018ADE, référence 2018-2344, montant 65.00, code personnel PADE12
  Famille BLMAN   code abonné BLMAN2026   compte matthieu.blman@example.org
      facture : code émission EM2018BLM, référence 2018-2273, montant 43.00, code personnel PBLM73
  Administration /admin/ : instructeur@example.org (Instructeurs)
  Administration /admin/ : communication@example.org (Chargés de communication)
  Administration /admin/ : regisseur@example.org (Régisseurs)
  Administration /admin/ : admin@example.org (administrateur)
  Second facteur des agents : application d'authentification avec la clé PORTAILFAMILLEDEMOPORTAILFAMILLE \
(code du moment : oathtool --totp -b PORTAILFAMILLEDEMOPORTAILFAMILLE)
"""


def test_every_app_with_demo_data_is_asked_once():
    with_demo = [config.label for config in apps.get_app_configs() if find_spec(f"{config.name}.demo")]
    assert sorted(DEMO_APPS) == sorted(with_demo)


@pytest.mark.django_db
def test_the_command_prints_the_logins_that_work():
    output = io.StringIO()
    call_command("load_demo", stdout=output, no_color=True)
    assert output.getvalue() == LOGINS
    for email in (
        "jean.durant@example.org",
        "matthieu.blman@example.org",
        "instructeur@example.org",
        "admin@example.org",
    ):
        assert get_user_model().objects.get(email=email).check_password("Portail2026!")
