"""The yearly «attestation de frais de garde»: per child under six on 1 January, what the family paid in the year for
activities that open the right (meals billed within them excluded); made in one run from the admin or by the
command, once per child; the family downloads it from «Mes attestations», another family gets 404."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import ModelLogEntry

from espace_facturation import certificates, payments, services
from espace_facturation.models import CertificateRun, ChildcareCertificate, PaymentKind, RunState
from tests.factories import ActivityFactory, ChildFactory

from .factories import NOVEMBER, book, cashier, household, regie, staff, text
from .test_parent_screens import pdf_text

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2026


@pytest.fixture
def the_regie(site):
    return regie(signatory_name="Marie DUPONT", signatory_title="Régisseuse titulaire", siret="21920012300018")


@pytest.fixture
def activities(the_regie):
    creche = ActivityFactory(label="Crèche Les Lutins", price=D("20.00"), childcare_certificate=True)
    alsh = ActivityFactory(
        label="Accueil de loisirs",
        price=D("12.00"),
        childcare_certificate=True,
        certificate_excludes_meals=True,
        meal_price=D("4.20"),
    )
    evening = ActivityFactory(label="Péri SOIR", price=D("2.10"))
    the_regie.activities.add(creche, alsh, evening)
    return creche, alsh, evening


MONDAYS = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]


def billed(the_regie, name, born, *activities_booked, paid: str | None = "all", paid_on=date(2026, 12, 9)):
    """A family whose child born `born` was booked on four Mondays of November in each activity, invoiced, paid."""
    family, _, parent = household(name)
    child = ChildFactory(family=family, first_name="Lina", birth_date=born)
    for activity in activities_booked:
        book(child, activity, MONDAYS)
    by = cashier()
    draft = services.invoicing_preview(regie=the_regie, month=NOVEMBER, family_ids=[family.pk], by=by)
    invoice = services.invoice_issue(draft=draft, family=family, issued_on=date(2026, 12, 5), by=by)
    if paid:
        payments.payment_record(
            regie=the_regie,
            family=family,
            kind=PaymentKind.CHEQUE,
            amount=invoice.amount if paid == "all" else D(paid),
            paid_on=paid_on,
            reference="1",
            by=cashier(),
        )
    return family, child, parent, invoice


def make(year=YEAR):
    return certificates.certificates_make(year=year, by=cashier())


def test_a_child_under_six_gets_what_was_paid_for_childcare_meals_excluded(the_regie, activities):
    creche, alsh, evening = activities
    family, child, _, invoice = billed(the_regie, "DURANT", date(2022, 3, 1), creche, alsh, evening)
    assert invoice.amount == D("136.40")  # 80 + 48 + 8,40
    [certificate] = make()
    # Crèche 4 × 20 € + accueil de loisirs 4 × (12 € − 4,20 € of meal); Péri SOIR does not count.
    assert certificate.amount == D("111.20")
    assert (certificate.family, certificate.child, certificate.year, certificate.child_name) == (
        family,
        child,
        YEAR,
        "Lina DURANT",
    )
    assert {line["label"]: D(line["amount"]) for line in certificate.detail} == {
        creche.name: D("80.00"),
        alsh.name: D("31.20"),
    }
    assert {line["number"] for line in certificate.detail} == {invoice.number}
    assert ModelLogEntry.objects.filter(action="portail.certificate.issue", object_id=str(certificate.pk)).exists()


def test_only_what_was_paid_counts_in_proportion(the_regie, activities):
    creche, _, evening = activities
    billed(the_regie, "DURANT", date(2022, 3, 1), creche, evening, paid="44.20")  # half of 88,40
    assert [c.amount for c in make()] == [D("40.00")]


def test_nothing_paid_in_the_year_makes_no_certificate(the_regie, activities):
    billed(the_regie, "DURANT", date(2022, 3, 1), activities[0], paid=None)
    assert make() == [] and not ChildcareCertificate.objects.exists()


@pytest.mark.parametrize(
    ("born", "counts"),
    [(date(2020, 1, 2), True), (date(2020, 1, 1), False), (date(2019, 6, 1), False), (date(2026, 2, 1), True)],
)
def test_the_child_must_be_under_six_on_the_first_of_january(the_regie, activities, born, counts):
    billed(the_regie, "DURANT", born, activities[0])
    assert bool(make()) is counts


def test_a_second_run_duplicates_nothing(the_regie, activities):
    billed(the_regie, "DURANT", date(2022, 3, 1), activities[0])
    billed(the_regie, "MARTIN", date(2023, 5, 1), activities[0])
    assert len(make()) == 2
    assert make() == [] and ChildcareCertificate.objects.count() == 2


def test_the_family_lists_years_and_children_and_downloads_the_pdf(client, the_regie, activities):
    _, _, parent, _ = billed(the_regie, "DURANT", date(2022, 3, 1), activities[0])
    [certificate] = make()
    client.force_login(parent)
    page = text(client.get(reverse("espace_facturation:certificates")))
    assert "<h1>Mes attestations</h1>" in page and "Année 2026" in page and "Lina DURANT" in page
    assert "80,00\u00a0€" in page
    response = client.get(reverse("espace_facturation:certificate_pdf", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="attestation-frais-de-garde-2026-lina.pdf"'
    content = pdf_text(response)
    for expected in (
        "Attestation de frais de garde 2026",
        "garde de l'enfant Lina DURANT, né(e) le 01/03/2022, la somme de 80,00 €",
        "Crèche Les Lutins",
        "article 200 quater B",
        "SIRET de la régie : 21920012300018",
        "Marie DUPONT, Régisseuse titulaire",
        "26 avenue André Morizet",
        "Famille DURANT",
    ):
        assert expected in content, expected


def test_mes_attestations_without_any_says_so(client, the_regie):
    _, _, parent = household("DURANT")
    client.force_login(parent)
    assert "Aucune attestation pour le moment." in text(client.get(reverse("espace_facturation:certificates")))


def test_another_familys_certificate_is_not_found(client, the_regie, activities):
    billed(the_regie, "DURANT", date(2022, 3, 1), activities[0])
    [certificate] = make()
    _, _, stranger = household("AUTRE")
    client.force_login(stranger)
    assert client.get(reverse("espace_facturation:certificate_pdf", args=[certificate.pk])).status_code == 404
    assert "Lina" not in text(client.get(reverse("espace_facturation:certificates")))
    client.logout()
    url = reverse("espace_facturation:certificate_pdf", args=[certificate.pk])
    assert client.get(url)["Location"].startswith(reverse("account_login"))


def test_the_regisseur_starts_the_run_from_the_admin_and_follows_it(client, the_regie, activities):
    billed(the_regie, "DURANT", date(2022, 3, 1), activities[0])
    client.force_login(staff("Régisseurs"))
    url = reverse("espace_facturation_certificates")
    form = text(client.get(url))
    assert "Établir les attestations" in form
    intent = form.split('name="intent" value="')[1].split('"')[0]
    response = client.post(url, {"intent": intent, "year": str(YEAR)})
    run = CertificateRun.objects.get()
    assert response["Location"] == reverse("espace_facturation_certificate_run", args=[run.pk])
    # The test cluster runs the queued task at once.
    run.refresh_from_db()
    assert run.state == RunState.DONE and run.created_count == 1 and run.families_done == run.families_total == 1
    page = text(client.get(response["Location"]))
    assert "Terminée : 1 famille traitée sur 1, 1 attestation établie." in page
    # Submitted twice, the form starts nothing more.
    again = client.post(url, {"intent": intent, "year": str(YEAR)}, follow=True)
    assert "déjà" in text(again) and CertificateRun.objects.count() == 1
    listing = text(client.get(reverse("espace_facturation_childcarecertificate_modeladmin_index")))
    assert "Lina DURANT" in listing


def test_a_hostile_year_is_refused_beside_the_field(client, the_regie):
    client.force_login(staff("Régisseurs"))
    url = reverse("espace_facturation_certificates")
    form = text(client.get(url))
    intent = form.split('name="intent" value="')[1].split('"')[0]
    for year in ("1999", "abc", "2026<script>", ""):
        response = client.post(url, {"intent": intent, "year": year})
        assert response.status_code == 400 and "Sélectionnez un choix valide" in text(response) or year == ""
    assert not CertificateRun.objects.exists()


def test_the_command_says_what_it_would_make_then_makes_it_once(the_regie, activities):
    billed(the_regie, "DURANT", date(2022, 3, 1), activities[0])
    out = io.StringIO()
    call_command("attestations_frais_de_garde", "--annee", "2026", "--dry-run", stdout=out)
    assert "Attestations 2026 : 1 attestation à établir, aucune attestation déjà établie(s)." in out.getvalue()
    assert not ChildcareCertificate.objects.exists()
    out = io.StringIO()
    call_command("attestations_frais_de_garde", "--annee", "2026", stdout=out, stderr=io.StringIO())
    assert "Attestations 2026 : 1 attestation établie(s)." in out.getvalue()
    out = io.StringIO()
    call_command("attestations_frais_de_garde", "--annee", "2026", stdout=out, stderr=io.StringIO())
    assert "aucune attestation établie(s)" in out.getvalue() and ChildcareCertificate.objects.count() == 1


@pytest.mark.parametrize("year", ["1999", "3000"])
def test_the_command_refuses_an_impossible_year_in_french(the_regie, year):
    with pytest.raises(CommandError, match="impossible : choisissez une année de 2000"):
        call_command("attestations_frais_de_garde", "--annee", year, stdout=io.StringIO())


def test_a_parent_cannot_make_certificates(the_regie):
    from django.core.exceptions import PermissionDenied

    _, _, parent = household("DURANT")
    with pytest.raises(PermissionDenied):
        certificates.certificate_run_start(year=YEAR, by=parent)
    assert not CertificateRun.objects.exists()
