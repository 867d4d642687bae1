"""The retention command: inactive families anonymised, unused accounts deleted, old e-mails emptied."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms import retention
from espace_facturation.models import Invoice
from espace_famille.comptes.models import User
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier.models import AuthorizedContact, Child, Family, Guardian, Vaccination
from notifications.models import OutboxMessage, OutboxStatus
from notifications.personal_data import PURGED
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, InvoiceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The retention job, committed: files leave storage once their rows are gone for good."""

    def run(**options):
        with django_capture_on_commit_callbacks(execute=True):
            return retention.run(**options)

    return run


NOW = timezone.make_aware(datetime(2030, 6, 1, 3, 0))
LONG_AGO = NOW - timedelta(days=4 * 365)


def old_family(name="DURANT", at=LONG_AGO):
    family = FamilyFactory(name=name, iban="FR7630006000011234567890189", city="Dijon", quotient=640)
    Family.objects.filter(pk=family.pk).update(created_at=at)
    guardian = GuardianFactory(family=family, first_name="Jean", email="jean@example.org", mobile="0612345678")
    guardian.photo.save("photo.jpg", ContentFile(b"jpeg"), save=True)
    child = ChildFactory(family=family, first_name="Léo", allergies="Arachide", birth_date=date(2015, 5, 17))
    Vaccination.objects.create(child=child, name="DTP", date=date(2016, 1, 1))
    AuthorizedContact.objects.create(
        child=child, full_name="Jeanne MAMIE", mobile="0611223344", relationship="grandparent"
    )
    request = Request.objects.create(
        family=family, kind=RequestKind.ADDRESS_CHANGE, changes={"city": {"before": "Dijon", "after": "Beaune"}}
    )
    Request.objects.filter(pk=request.pk).update(created_at=at)
    return family


def test_a_family_inactive_for_three_years_loses_its_personal_data_but_keeps_its_invoices(run):
    family = old_family()
    invoice = InvoiceFactory(family=family, amount=Decimal("43.00"), issued_on=LONG_AGO.date())
    photo = Guardian.objects.get(family=family).photo.name

    run(dry_run=False, now=NOW, inactive_days=3 * 365)

    family.refresh_from_db()
    assert family.name == f"ANONYME {family.pk}" and family.anonymised_at == NOW
    assert family.iban == "" and family.city == "" and family.quotient is None
    guardian = Guardian.objects.get(family=family)
    assert (guardian.first_name, guardian.email, guardian.mobile, guardian.photo.name) == ("ANONYME", "", "", "")
    assert not Guardian.photo.field.storage.exists(photo)
    child = Child.objects.get(family=family)
    assert (child.first_name, child.allergies, child.birth_date) == ("ANONYME", "", date(2015, 1, 1))
    assert not Vaccination.objects.exists() and not AuthorizedContact.objects.exists()
    assert Request.objects.get(family=family).changes == {}
    assert Invoice.objects.get(pk=invoice.pk).amount == Decimal("43.00")
    assert ModelLogEntry.objects.filter(action="portail.family.anonymise", object_id=str(family.pk)).exists()


def test_a_recent_sign_of_life_keeps_the_family(run):
    kept = [old_family(name) for name in ("REQUETE", "RESERVATION", "FACTURE", "CONNEXION")]
    Request.objects.create(family=kept[0], kind=RequestKind.ADDRESS_CHANGE)  # created now, in 2030's past
    Request.objects.filter(family=kept[0]).update(created_at=NOW - timedelta(days=10))
    from espace_famille.planning.models import Booking
    from tests.factories import ActivityFactory

    Booking.objects.create(
        child=Child.objects.get(family=kept[1]),
        activity=ActivityFactory(),
        day=NOW.date(),
        state="booked",
        queued_at=NOW,
    )
    InvoiceFactory(family=kept[2], issued_on=(NOW - timedelta(days=30)).date())
    user = UserFactory(last_login=NOW - timedelta(days=1))
    kept[3].subscriptions.create(user=user, method="code")
    gone = old_family("PARTIE")

    run(dry_run=False, now=NOW, inactive_days=3 * 365)

    assert [f.anonymised_at for f in Family.objects.filter(pk__in=[f.pk for f in kept])] == [None] * 4
    assert Family.objects.get(pk=gone.pk).anonymised_at == NOW


def test_a_dry_run_says_what_it_would_do_and_changes_nothing():
    four_years_ago = timezone.now() - timedelta(days=4 * 365)
    family = old_family(at=four_years_ago)
    UserFactory(email="oublie@example.org", last_login=four_years_ago)
    out = StringIO()
    call_command("retention", "--dry-run", "--details", stdout=out)
    text = out.getvalue()
    assert "Simulation : rien n'est modifié." in text
    assert "Familles à anonymiser (aucune activité depuis 1095 jours) : 1" in text and "DURANT" in text
    assert "À supprimer — comptes citoyens (inutilisés depuis 1095 jours) : 1" in text and "oublie@example.org" in text
    family.refresh_from_db()
    assert family.name == "DURANT" and family.anonymised_at is None
    assert User.objects.filter(email="oublie@example.org").exists()


def test_unused_citizen_accounts_are_deleted_but_never_staff(run):
    UserFactory(email="oublie@example.org", last_login=LONG_AGO)
    UserFactory(email="jamais@example.org", last_login=None, date_joined=LONG_AGO)
    UserFactory(email="actif@example.org", last_login=NOW - timedelta(days=3))
    UserFactory(email="agent@example.org", last_login=LONG_AGO, is_staff=True)
    run(dry_run=False, now=NOW)
    assert set(User.objects.values_list("email", flat=True)) == {"actif@example.org", "agent@example.org"}


def test_sent_emails_keep_their_key_but_lose_their_contents_after_the_delay(run):
    def message(key, status, age_days):
        row = OutboxMessage.objects.create(
            key=key,
            kind="k",
            to_email="jean@example.org",
            from_email="m@example.org",
            subject="Votre demande",
            body_text="Bonjour Jean",
            body_html="<p>Bonjour Jean</p>",
            status=status,
        )
        OutboxMessage.objects.filter(pk=row.pk).update(created_at=NOW - timedelta(days=age_days))

    message("old-sent", OutboxStatus.SENT, 91)
    message("recent-sent", OutboxStatus.SENT, 89)
    message("old-pending", OutboxStatus.PENDING, 91)
    run(dry_run=False, now=NOW)
    old = OutboxMessage.objects.get(key="old-sent")
    assert (old.to_email, old.body_text, old.body_html, old.subject) == ("", "", "", PURGED)
    assert OutboxMessage.objects.get(key="recent-sent").body_text == "Bonjour Jean"
    assert OutboxMessage.objects.get(key="old-pending").body_text == "Bonjour Jean"


def test_running_twice_does_nothing_more(run):
    old_family()
    first = [report.count for report in run(dry_run=False, now=NOW)]
    second = [report.count for report in run(dry_run=False, now=NOW)]
    assert first[0] == 1 and second == [0] * len(second)


def test_the_daily_task_scheduled_at_three_runs_the_retention_job(django_capture_on_commit_callbacks):
    from django.utils.module_loading import import_string

    from notifications import schedules

    [task] = [task for task in schedules.all_tasks() if task.name.startswith("Conservation des données")]
    UserFactory(email="oublie@example.org", last_login=timezone.now() - timedelta(days=4 * 365))
    with django_capture_on_commit_callbacks(execute=True):
        import_string(task.func)()
    assert not User.objects.filter(email="oublie@example.org").exists()


def test_the_audit_log_forgets_after_a_year_but_keeps_the_money_trail_as_long_as_the_accounts(run):
    from django.contrib.contenttypes.models import ContentType

    family = FamilyFactory()
    entries = {}
    for action, age in (
        ("portail.health.read", 2 * 365),
        ("portail.payment.record", 2 * 365),
        ("portail.credit.refund", 9 * 365),
        ("portail.invoice.issue", 11 * 365),
    ):
        entries[action] = ModelLogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Family),
            object_id=str(family.pk),
            label="DURANT",
            action=action,
            timestamp=NOW - timedelta(days=age),
        )
    run(dry_run=False, now=NOW)
    kept = set(ModelLogEntry.objects.filter(pk__in=[e.pk for e in entries.values()]).values_list("action", flat=True))
    assert kept == {"portail.payment.record", "portail.credit.refund"}


def test_the_command_anonymises_then_finds_nothing_left_to_do():
    four_years_ago = timezone.now() - timedelta(days=4 * 365)
    family = old_family(at=four_years_ago)

    first = StringIO()
    call_command("retention", stdout=first, stderr=StringIO())
    assert "Familles anonymisées (aucune activité depuis 1095 jours) : 1" in first.getvalue()
    assert "Confirmations d'action expirées oubliées : 0" in first.getvalue()
    family.refresh_from_db()
    assert family.name == f"ANONYME {family.pk}"
    entries = ModelLogEntry.objects.filter(action="portail.family.anonymise").count()

    second = StringIO()
    call_command("retention", stdout=second, stderr=StringIO())
    assert "Familles anonymisées (aucune activité depuis 1095 jours) : 0" in second.getvalue()
    assert ModelLogEntry.objects.filter(action="portail.family.anonymise").count() == entries


def test_the_command_draws_its_progress_on_a_terminal_only():
    from commun.retention import steps
    from tests.commun.tty import Terminal

    terminal = Terminal()
    call_command("retention", "--dry-run", stdout=StringIO(), stderr=terminal)
    assert "Conservation des données" in terminal.getvalue() and f"{steps()}/{steps()}" in terminal.getvalue()

    for quiet in (["--no-progress"], ["--verbosity", "0"]):
        silent = Terminal()
        call_command("retention", "--dry-run", *quiet, stdout=StringIO(), stderr=silent)
        assert silent.getvalue() == ""
    piped = StringIO()
    call_command("retention", "--dry-run", stdout=StringIO(), stderr=piped)
    assert piped.getvalue() == ""
