"""The demo's messages to families, sent through the service by the instructor: one to the DURANT family by e-mail
and SMS, one to the families of «4/Péri SOIR» on its next day with children, one to the families of Ecole Lux.
Safe to run twice: a message of the demo already sent is not sent again. The SMS land in var/sms/."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from commun.demo_logins import INSTRUCTOR
from espace_famille.dossier.models import Family
from espace_famille.messagerie import rules, services
from espace_famille.messagerie.models import FamilyMessage
from espace_famille.planning import rules as planning_rules
from espace_famille.planning.models import Booking, Enrolment, Facility

TO_DURANT = {
    "subject": "Attestation d'assurance à déposer",
    "body": (
        "Bonjour,\n\nL'attestation d'assurance de Léo pour l'année scolaire n'est pas encore dans votre dossier. "
        "Vous pouvez la déposer dans Espace famille, rubrique « Pièces justificatives ».\n\nMerci."
    ),
    "sms_text": "Mairie : l'attestation d'assurance de Léo manque au dossier. Déposez-la dans votre Espace famille.",
}
TO_PERI_SOIR = {
    "subject": "Péri SOIR : sortie de l'accueil jusqu'à 18 h 30 au parc",
    "body": (
        "Bonjour,\n\nLes enfants de l'accueil du soir iront au parc Rothschild. Ils seront de retour à l'école à "
        "18 h 15 : vous pourrez les retrouver au portail habituel.\n\nPensez à une tenue adaptée."
    ),
    "sms_text": "",
}
TO_SCHOOL = {
    "subject": "Ecole Lux : réunion des familles",
    "body": (
        "Bonjour,\n\nLe service enfance présente l'organisation du périscolaire et de la restauration aux familles "
        "de l'école Lux, au réfectoire, à 18 h. Les enfants peuvent être accueillis pendant la réunion."
    ),
    "sms_text": "",
}


def _send(spec: dict, audience: rules.Audience, by) -> None:
    if FamilyMessage.objects.filter(subject=spec["subject"]).exists():
        return
    services.message_send(
        audience=audience,
        subject=spec["subject"],
        body=spec["body"],
        sms_text=spec["sms_text"],
        by_email=True,
        by_sms=bool(spec["sms_text"]),
        by=by,
    )


def load() -> None:
    instructor = get_user_model().objects.get(email=INSTRUCTOR)
    today = timezone.localdate()
    durant = Family.objects.get(subscriber_code="DURANT2026")
    _send(TO_DURANT, rules.Audience(kind=rules.FAMILY, family=durant), instructor)
    # The next day children hold a place in «4/Péri SOIR», and the first day Ecole Lux has children enrolled (the
    # demo may load in the summer holidays).
    held = Booking.objects.filter(activity__code="4", day__gte=today, state__in=planning_rules.HOLDS_A_PLACE)
    if booking := held.select_related("activity").order_by("day").first():
        audience = rules.Audience(kind=rules.ACTIVITY, activity=booking.activity, start=booking.day)
        _send(TO_PERI_SOIR, audience, instructor)
    school = Facility.objects.get(name="Ecole Lux")
    enrolment = Enrolment.objects.filter(activity__facility=school, end_date__gte=today).order_by("start_date").first()
    if enrolment is not None:
        audience = rules.Audience(kind=rules.FACILITY, facility=school, start=max(today, enrolment.start_date))
        _send(TO_SCHOOL, audience, instructor)
