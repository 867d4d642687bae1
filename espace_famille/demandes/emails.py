"""The emails of the family space (accounts, bookings, requests) and their default texts."""

from django.utils.html import format_html, format_html_join

from notifications.kinds import EmailKind
from notifications.rendering import Rich

CELL = "border:1px solid #c9ced8;padding:4px 8px;text-align:left;"


def email_table(headers: list[str], rows: list[list[str]]) -> Rich:
    """A table for an email: tab-separated lines in the text part, a bordered table in the HTML part."""
    text = "\n".join("\t".join(cells) for cells in [headers, *rows])
    head = format_html_join("", '<th scope="col" style="{}">{}</th>', ((CELL, h) for h in headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", '<td style="{}">{}</td>', ((CELL, c) for c in cells)),) for cells in rows),
    )
    html = format_html(
        '<table style="border-collapse:collapse;margin:12px 0;font-size:14px;"><thead><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table>",
        head,
        body,
    )
    return Rich(text=text, html=html)


CONTACT_LINE = (
    "Pour toutes informations complémentaires, vous pouvez contacter notre service au {{ telephone }}, {{ horaires }}."
)

KINDS = [
    EmailKind(
        slug="account_confirmation",
        label="Confirmation de création de compte",
        subject="Portail citoyen : confirmation de création de compte",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Pour finaliser la création de votre compte sur le portail citoyen, veuillez confirmer votre "
            "inscription en cliquant sur le bouton suivant :"
        ),
        button_label="Confirmer mon inscription",
        button_url_key="lien",
        zone=CONTACT_LINE
        + "\n\nVous pouvez obtenir plus d'informations sur votre espace citoyen dans la rubrique « Mes demandes ».",
        placeholders={
            "lien": "Adresse du lien de confirmation",
            "validite": "Durée de validité du lien («2 jours»)",
        },
        sample={"lien": "https://portail.example.org/compte/confirm-email/exemple/", "validite": "2 jours"},
    ),
    EmailKind(
        slug="password_reset",
        label="Réinitialisation du mot de passe",
        subject="Portail citoyen : réinitialisation de votre mot de passe",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Une réinitialisation du mot de passe de votre compte a été demandée. Pour choisir un nouveau mot de "
            "passe, cliquez sur le bouton suivant :"
        ),
        zone="Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.",
        button_label="Choisir un nouveau mot de passe",
        button_url_key="lien",
        placeholders={"lien": "Adresse du lien de réinitialisation"},
        sample={"lien": "https://portail.example.org/compte/password/reset/key/exemple/"},
    ),
    EmailKind(
        slug="unknown_account",
        label="Demande pour une adresse sans compte",
        subject="Portail citoyen : demande concernant votre adresse e-mail",
        body=(
            "Bonjour,\n\n"
            "Vous recevez ce message parce qu'une demande a été faite sur le portail citoyen pour l'adresse "
            "{{ email }}, qui n'est liée à aucun compte.\n\n"
            "Si vous êtes à l'origine de cette demande, vous pouvez créer un compte avec cette adresse. "
            "Sinon, ignorez ce message."
        ),
        button_label="Créer un compte",
        button_url_key="lien",
        placeholders={"email": "Adresse e-mail saisie", "lien": "Adresse de la création de compte"},
        sample={"email": "jean.durant@example.org", "lien": "https://portail.example.org/compte/signup/"},
    ),
    EmailKind(
        slug="account_already_exists",
        label="Inscription avec une adresse déjà utilisée",
        subject="Portail citoyen : vous avez déjà un compte",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Quelqu'un a essayé de créer un compte sur le portail citoyen avec votre adresse {{ email }}, qui "
            "a déjà un compte. Si c'était vous et que vous avez oublié votre mot de passe, vous pouvez le "
            "réinitialiser. Sinon, ignorez ce message."
        ),
        button_label="Réinitialiser mon mot de passe",
        button_url_key="lien",
        placeholders={"email": "Adresse e-mail du compte", "lien": "Adresse de la réinitialisation du mot de passe"},
        sample={"email": "jean.durant@example.org", "lien": "https://portail.example.org/compte/password/reset/"},
    ),
    EmailKind(
        slug="account_notice",
        label="Avis de sécurité du compte",
        subject="Portail citoyen : {{ objet }}",
        body=(
            "Bonjour {{ nom_complet }},\n\n{{ avis }}\n\n"
            "Si vous n'êtes pas à l'origine de cette action, contactez le service au plus vite."
        ),
        placeholders={"objet": "Objet de l'avis", "avis": "Ce qui a changé sur le compte"},
        sample={"objet": "mot de passe modifié", "avis": "Le mot de passe de votre compte a été modifié."},
    ),
]

# Sign-ins refused after repeated wrong passwords (commun.throttling): the owner may unlock at once.
KINDS.append(
    EmailKind(
        slug="account_locked",
        label="Compte bloqué après des tentatives de connexion",
        subject="Portail citoyen : connexions à votre compte bloquées",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Plusieurs mots de passe erronés ont été saisis pour votre compte : les connexions depuis la même "
            "adresse sont bloquées pour un moment. Vous pouvez toujours vous connecter depuis une autre connexion.\n\n"
            "Si c'était vous, débloquez votre compte avec le bouton ci-dessous (le lien sert une fois, pendant "
            "24 heures). Si ce n'était pas vous, votre mot de passe n'a pas été trouvé : rien d'autre à faire."
        ),
        button_label="Débloquer mon compte",
        button_url_key="lien",
        placeholders={"lien": "Adresse du lien de déblocage"},
        sample={"lien": "https://portail.example.org/compte/debloquer/exemple/"},
    )
)

# A staff member's first second factor is enabled through this link (cms/staff_auth.py).
KINDS.append(
    EmailKind(
        slug="staff_second_factor",
        label="Activation de la double authentification d'un agent",
        subject="Portail citoyen : activez votre double authentification",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Vous avez demandé à activer la double authentification de votre compte d'agent. Ouvrez le lien "
            "ci-dessous dans le navigateur où vous êtes connecté (il sert une fois, pendant 24 heures).\n\n"
            "Si vous n'êtes pas à l'origine de cette demande, quelqu'un connaît votre mot de passe : changez-le et "
            "prévenez l'administrateur du portail."
        ),
        button_label="Activer la double authentification",
        button_url_key="lien",
        placeholders={"lien": "Adresse du lien d'activation"},
        sample={"lien": "https://portail.example.org/compte/double-authentification/exemple/"},
    )
)

# Bookings: a day of the waiting list got a freed place (espace_famille.planning.services).
KINDS.append(
    EmailKind(
        slug="booking_promoted",
        label="Place libérée : réservation acceptée",
        subject="Portail citoyen : une place s'est libérée pour {{ enfant }}",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "Une place s'est libérée : la réservation de {{ enfant }} pour l'activité {{ activite }} le {{ jour }}, "
            "qui était en liste d'attente, est acceptée. Elle apparaît désormais « Réservé » dans votre planning."
        ),
        zone=CONTACT_LINE,
        placeholders={
            "enfant": "Prénom et nom de l'enfant",
            "activite": "Activité («4/Péri SOIR»)",
            "jour": "Jour réservé («lun. 19/11»)",
        },
        sample={"enfant": "Léa DURANT", "activite": "4/Péri SOIR", "jour": "lun. 19/11"},
    )
)

# Requests: the acknowledgement of receipt of every submission (espace_famille.demandes.acknowledgements),
# as in the guide.
KINDS.append(
    EmailKind(
        slug="request_received",
        label="Accusé d'enregistrement électronique",
        subject="Accusé d'enregistrement électronique",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "{{ annonce }}\n\n"
            "{{ tableau }}\n\n"
            "Nous vous tiendrons informé de leur traitement.\n\n"
            "Vous pouvez également visualiser vos demandes depuis votre espace citoyen dans le menu Mes Demandes."
        ),
        button_label="Mon espace citoyen",
        button_url_key="lien",
        zone=CONTACT_LINE + "\n\nRestant à votre disposition,",
        placeholders={
            "annonce": "La phrase d'annonce («Vos 10 demandes de réservation pour 4/Péri SOIR réalisées le "
            "04/01/2019 à 16:33 sont en cours d'instruction :» ; «… sont acceptées :» quand l'activité les "
            "accepte aussitôt)",
            "tableau": "Le tableau des jours demandés : Jour, Heure, Type de la demande, Activité",
            "lien": "Adresse de Mon espace citoyen",
        },
        sample={
            "annonce": "Vos 2 demandes de réservation pour 4/Péri SOIR réalisées le 04/01/2019 à 16:33 sont en "
            "cours d'instruction :",
            "tableau": email_table(
                ["Jour", "Heure", "Type de la demande", "Activité"],
                [
                    ["04/02/2019", "16:30", "Réservation", "4/Péri SOIR"],
                    ["05/02/2019", "16:30", "Réservation", "4/Péri SOIR"],
                ],
            ),
            "lien": "https://portail.example.org/mon-espace/",
        },
    )
)

# Bookings: the acknowledgement of a basket of days confirmed at once (espace_famille.planning.basket): one email
# for the whole basket, each day with its result.
KINDS.append(
    EmailKind(
        slug="basket_received",
        label="Accusé d'enregistrement d'un panier de réservations",
        subject="Accusé d'enregistrement électronique : votre panier de réservations",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "{{ annonce }}\n\n"
            "{{ tableau }}\n\n"
            "Les demandes transmises au service vous seront confirmées après leur traitement ; une place libérée "
            "revient au premier de la liste d'attente, qui en est averti.\n\n"
            "Vous pouvez également visualiser vos demandes depuis votre espace citoyen dans le menu Mes Demandes."
        ),
        button_label="Mon espace citoyen",
        button_url_key="lien",
        zone=CONTACT_LINE + "\n\nRestant à votre disposition,",
        placeholders={
            "annonce": "La phrase d'annonce («Votre panier de 3 jours validé le 04/01/2019 à 16:33 a été traité "
            "(total : 7,50 €) :»)",
            "tableau": "Le tableau des jours du panier : Jour, Heure, Activité, Enfant, Prix, Résultat",
            "lien": "Adresse de Mon espace citoyen",
        },
        sample={
            "annonce": "Votre panier de 2 jours validé le 04/01/2019 à 16:33 a été traité (total : 2,50 €) :",
            "tableau": email_table(
                ["Jour", "Heure", "Activité", "Enfant", "Prix", "Résultat"],
                [
                    ["04/02/2019", "16:30", "4/Péri SOIR", "Léa", "2,50 €", "Réservé"],
                    ["05/02/2019", "16:30", "4/Péri SOIR", "Léa", "—", "Refusé : délai dépassé"],
                ],
            ),
            "lien": "https://portail.example.org/mon-espace/",
        },
    )
)

# Requests: the processing digest of 13:00 and 18:00 (espace_famille.demandes.digests), as in the guide.
KINDS.append(
    EmailKind(
        slug="requests_processed",
        label="Accusé de traitement",
        subject="Accusé de traitement",
        body=(
            "Bonjour {{ nom_complet }},\n\n"
            "{{ annonce }}\n\n"
            "{{ tableau }}\n\n"
            "Vous pouvez également retrouver l'ensemble de vos demandes depuis votre espace citoyen dans le menu "
            "Mes Demandes."
        ),
        button_label="Mes demandes",
        button_url_key="lien",
        zone=CONTACT_LINE
        + "\n\nVous pouvez obtenir plus d'informations sur votre espace citoyen dans la rubrique « Mes demandes ».",
        placeholders={
            "annonce": "La phrase d'annonce («11 de vos demandes ont été traitées :»)",
            "nombre": "Le nombre de demandes traitées («11»)",
            "tableau": "Le tableau des demandes traitées : Jour, Heure, Type de la demande, Activité, Statut",
            "lien": "Adresse de Mes demandes",
        },
        sample={
            "annonce": "2 de vos demandes ont été traitées :",
            "nombre": "2",
            "tableau": email_table(
                ["Jour", "Heure", "Type de la demande", "Activité", "Statut"],
                [
                    ["15/01/2019", "12:00", "Absence", "2/Repas Sco", "Accepté"],
                    ["04/02/2019", "16:30", "Réservation", "4/Péri SOIR", "Accepté"],
                ],
            ),
            "lien": "https://portail.example.org/mon-espace/demandes/",
        },
    )
)
