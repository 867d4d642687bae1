"""The kinds of email the portal sends, each with its placeholders, sample data and default text.

Domain apps register their kinds when they start; notifications itself imports none of them.
"""

from dataclasses import dataclass, field

COMMON_PLACEHOLDERS = {
    "civilite": "Civilité du destinataire (M., Mme)",
    "prenom": "Prénom du destinataire",
    "nom": "Nom du destinataire, en majuscules",
    "nom_complet": "Civilité, prénom et nom («M. Jean DURANT»)",
    "commune": "Nom de la collectivité (paramètres du site)",
    "telephone": "Téléphone de la collectivité (paramètres du site)",
    "horaires": "Horaires d'ouverture (paramètres du site)",
    "service": "Service signataire (paramètres du site)",
}
COMMON_SAMPLE = {
    "civilite": "M.",
    "prenom": "Jean",
    "nom": "DURANT",
    "nom_complet": "M. Jean DURANT",
    "commune": "Mairie de Boulogne-Billancourt",
    "telephone": "02.02.02.02.02",
    "horaires": "tous les jours de 9h à 12h et de 14h à 17h",
    "service": "le service enfance jeunesse",
}


def recipient(user) -> dict:
    """The placeholders every e-mail has for the person it goes to (COMMON_PLACEHOLDERS): empty without one."""
    if user is None:
        return {"civilite": "", "prenom": "", "nom": "", "nom_complet": ""}
    return {
        "civilite": user.civility,
        "prenom": user.first_name,
        "nom": user.last_name.upper(),
        "nom_complet": user.display_name,
    }


@dataclass(frozen=True)
class EmailKind:
    slug: str
    label: str
    subject: str
    body: str
    placeholders: dict[str, str] = field(default_factory=dict)
    sample: dict[str, str] = field(default_factory=dict)
    button_label: str = ""
    # The context key holding the address the button leads to.
    button_url_key: str = ""
    zone: str = ""

    @property
    def all_placeholders(self) -> dict[str, str]:
        return {**COMMON_PLACEHOLDERS, **self.placeholders}

    @property
    def sample_context(self) -> dict[str, str]:
        return {**COMMON_SAMPLE, **self.sample}


_kinds: dict[str, EmailKind] = {}


def register(kind: EmailKind) -> None:
    _kinds[kind.slug] = kind


def get(slug: str) -> EmailKind:
    return _kinds[slug]


def all_kinds() -> list[EmailKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.label)


def choices() -> list[tuple[str, str]]:
    return [(kind.slug, kind.label) for kind in all_kinds()]


register(
    EmailKind(
        slug="test",
        label="Message de test",
        subject="Portail citoyen : message de test",
        body="Bonjour {{ nom_complet }},\n\nCeci est un message de test envoyé depuis l'administration du portail.",
    )
)
