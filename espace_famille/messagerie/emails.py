"""The e-mail of a message to families: the municipality's template wraps the text the service wrote."""

from django.urls import reverse

from home.models import SiteIdentity
from notifications import rendering
from notifications.kinds import EmailKind

KIND = "message_famille"


def link() -> str:
    """The address of «Mes messages» (two queries: asked once per message, not once per e-mail)."""
    return SiteIdentity.public_address(reverse("messagerie:list"))


def context(*, person, family, subject: str, body: str | rendering.Rich, lien: str) -> dict:
    """The placeholders of one e-mail: its recipient, the family, the subject and the text of the service."""
    return {
        **person.context,
        "objet": subject.strip(),
        "message": body if isinstance(body, rendering.Rich) else rendering.paragraphs(body),
        "famille": str(family),
        "lien": lien,
    }


KINDS = [
    EmailKind(
        slug=KIND,
        label="Message du service aux familles",
        subject="{{ commune }} : {{ objet }}",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "{{ message }}\n\n"
            "Ce message est aussi dans votre espace citoyen, rubrique « Mes messages »."
        ),
        button_label="Mes messages",
        button_url_key="lien",
        placeholders={
            "objet": "L'objet que le service a écrit",
            "message": "Le texte que le service a écrit, tel quel",
            "famille": "La famille destinataire («Famille DURANT»)",
            "lien": "Adresse de « Mes messages »",
        },
        sample={
            "objet": "Sortie au musée jeudi",
            "message": "Les enfants de l'accueil de loisirs visitent le musée jeudi : prévoyez un pique-nique.",
            "famille": "Famille DURANT",
            "lien": "https://portail.example.org/mon-espace/messages/",
        },
    )
]
