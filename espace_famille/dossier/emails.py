"""The e-mail of the family file: the accounts already linked to a family are told when another one is linked."""

from notifications.kinds import EmailKind

SUBSCRIPTION_ADDED = "subscription_added"

KINDS = [
    EmailKind(
        slug=SUBSCRIPTION_ADDED,
        label="Nouveau compte rattaché au dossier famille",
        subject="Portail citoyen : un nouveau compte a été rattaché à votre dossier famille",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Un nouveau compte a été rattaché à votre dossier famille {{ famille }} le {{ date }} :\n"
            "{{ compte }} ({{ compte_email }}).\n\n"
            "Ce compte peut désormais consulter votre dossier famille, en demander la modification, réserver les "
            "activités de vos enfants et consulter vos factures."
        ),
        zone=(
            "Si vous ne connaissez pas cette personne, contactez sans attendre notre service au {{ telephone }}, "
            "{{ horaires }} : il retirera ce compte de votre dossier famille. Ne communiquez jamais votre code "
            "abonné."
        ),
        button_label="Mon espace citoyen",
        button_url_key="lien",
        placeholders={
            "famille": "Le nom du dossier famille («DURANT»)",
            "compte": "Le nom du compte rattaché («Mme Anne DURANT»)",
            "compte_email": "L'adresse e-mail du compte rattaché",
            "date": "Le jour et l'heure du rattachement («05/12/2018 à 13:59»)",
            "lien": "Adresse de Mon espace citoyen",
        },
        sample={
            "famille": "DURANT",
            "compte": "Mme Anne DURANT",
            "compte_email": "anne.durant@example.org",
            "date": "05/12/2018 à 13:59",
            "lien": "https://portail.example.org/mon-espace/",
        },
    )
]
