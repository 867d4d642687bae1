"""The demo's staff: an account per role (instructor, communication officer, régisseur) and an administrator,
each with the second factor already set up. Safe to run twice."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from commun.demo_logins import INSTRUCTOR, REGISSEUR
from espace_famille.comptes.demo import account
from espace_famille.comptes.permissions import ensure_staff_groups
from espace_famille.dossier.models import Civility

# login, first name, last name, group (the role), superuser
STAFF = [
    (INSTRUCTOR, "Inès", "TRUCHON", "Instructeurs", False),
    ("communication@example.org", "Camille", "ROUSSEL", "Chargés de communication", False),
    (REGISSEUR, "Rémi", "BERTIN", "Régisseurs", False),
    ("admin@example.org", "Alex", "MARTIN", None, True),
]

# The demo's staff have an authenticator app already set up with this key: add it to yours, or ask
# `oathtool --totp -b <key>` for the current code.
STAFF_TOTP_SECRET = "PORTAILFAMILLEDEMOPORTAILFAMILLE"


def load() -> None:
    groups = {group.name: group for group in ensure_staff_groups()}
    for email, first, last, group_name, superuser in STAFF:
        user = account(
            email,
            first,
            last,
            civility=Civility.MRS if first in ("Inès", "Camille") else Civility.MR,
            is_staff=True,
            is_superuser=superuser,
        )
        if group_name:
            user.groups.add(groups[group_name])
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, STAFF_TOTP_SECRET)
