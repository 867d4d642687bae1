"""`manage.py export_prelevements --output FILE [--regie] [--echeance]`: the lot generated (once) and its file written,
what it did said in French."""

import io

import pytest
from django.core.management import CommandError, call_command

from espace_facturation import sepa_xml
from espace_facturation.models import DebitBatch, InvoiceState

from .helpers import debit_regie, notified_household, regisseur_user

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("export_prelevements", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_next_lot_of_each_regie_and_makes_it_once(tmp_path, time_machine):
    time_machine.move_to("2027-01-10T10:00:00+01:00")  # the lot of 15/01/2027 is the next one
    the_regie = debit_regie()
    notified_household(the_regie, "DURANT")
    notified_household(the_regie, "ADERNO")
    output = tmp_path / "lot.xml"
    user = regisseur_user().email

    said = run("--output", str(output), "--user", user)

    assert "Regie BL Enfance, prélèvement du 15/01/2027 : 2 prélèvement(s), total 16,80" in said
    summary = sepa_xml.read_pain008(output.read_bytes())
    assert summary.count == 2 and str(summary.control_sum) == "16.80"
    assert set(the_regie.invoices.values_list("state", flat=True)) == {InvoiceState.DEBITING}
    again = run("--output", str(output), "--regie", the_regie.name, "--echeance", "2027-01-15", "--user", user)
    assert "lot déjà généré" in again and DebitBatch.objects.count() == 1


def test_nothing_to_debit_or_bad_options_are_said():
    debit_regie()
    user = regisseur_user().email

    assert "aucun prélèvement à venir" in run("--output", "/tmp/none.xml", "--user", user)
    with pytest.raises(CommandError, match="invalide"):
        run("--output", "/tmp/x.xml", "--echeance", "15/01/2027", "--user", user)
    with pytest.raises(CommandError, match="Aucune régie"):
        run("--output", "/tmp/x.xml", "--regie", "Nulle part", "--user", user)
    with pytest.raises(CommandError, match="Aucun compte"):
        run("--output", "/tmp/x.xml", "--user", "personne@example.org")
