"""An administrator hands a staff member the link to enable their first second factor (no mailbox yet, or the
e-mail does not arrive): the same single-use link the staff member could have received by e-mail."""

from django.core.management.base import BaseCommand, CommandError

from cms import staff_auth
from espace_famille.comptes.models import User


class Command(BaseCommand):
    help = "Donne le lien (à usage unique, 24 heures) qui permet à un agent d'activer sa double authentification."

    def add_arguments(self, parser):
        parser.add_argument("email", help="Adresse e-mail du compte de l'agent.")

    def handle(self, *args, email, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None or not staff_auth.reaches_admin(user):
            raise CommandError(f"Aucun agent actif n'a l'adresse {email}.")
        if staff_auth.has_second_factor(user):
            raise CommandError(f"{user.email} a déjà un second facteur : il n'a pas besoin de ce lien.")
        self.stdout.write(staff_auth.enrolment_link(user))
