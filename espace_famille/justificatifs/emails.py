"""The e-mail of supporting documents: the reminder before a document expires."""

from notifications.kinds import EmailKind

KINDS = [
    EmailKind(
        slug="document_expiry",
        label="Pièce justificative bientôt expirée",
        subject="Portail citoyen : votre document « {{ document }} » expire le {{ date }}",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Votre document « {{ document }} » n'est plus valable après le {{ date }}. "
            "Pensez à en déposer un nouveau dans Espace famille / Pièces justificatives."
        ),
        button_label="Pièces justificatives",
        button_url_key="lien",
        placeholders={
            "document": "Le document et l'enfant («Attestation d'assurance — Léo»)",
            "date": "Sa date de fin de validité",
            "lien": "Adresse de Pièces justificatives",
        },
        sample={
            "document": "Attestation d'assurance — Léo",
            "date": "31/08/2027",
            "lien": "https://portail.example.org/espace-famille/pieces-justificatives/",
        },
    )
]
