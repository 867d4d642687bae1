"""The accounts in «Télécharger mes données»: the citizen accounts subscribed to the family, since when, and their
link to FranceConnect."""

from xml.sax.saxutils import escape

from commun.data_export import Builder, json_value, when
from espace_famille.dossier.models import Family, Subscription


def _franceconnect_link(user):
    link = getattr(user, "franceconnect", None)
    return link.linked_at if link else None


def collect_subscriptions(family: Family) -> list[dict]:
    subscriptions = Subscription.objects.filter(family=family).select_related("user", "user__franceconnect")
    return [
        {
            "email": subscription.user.email,
            "method": subscription.method,
            "created_at": json_value(subscription.created_at),
            "franceconnect_linked_at": json_value(_franceconnect_link(subscription.user)),
        }
        for subscription in subscriptions
    ]


def render_subscriptions(doc: Builder, subscriptions: list[dict]):
    doc.para("Comptes citoyens abonnés au dossier", "h2")
    methods = dict(Subscription._meta.get_field("method").flatchoices)
    rows = [
        [
            escape(row["email"]),
            escape(str(methods.get(row["method"], row["method"]))),
            when(row["created_at"]),
            f"lié le {when(row['franceconnect_linked_at'])}" if row.get("franceconnect_linked_at") else "non",
        ]
        for row in subscriptions
    ]
    doc.listing(["Compte", "Moyen", "Depuis le", "FranceConnect"], rows, (6, 4, 3.5, 3.5), empty="Aucun abonnement.")
