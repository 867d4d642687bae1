"""The demo municipality: pages, settings, email templates, the guide's families and staff accounts.

Every step looks up what exists first, so loading twice changes nothing.
"""

from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from espace_facturation.models import Invoice, Regie
from espace_famille.comptes.models import User
from espace_famille.demandes import kinds as request_kinds
from espace_famille.demandes import services as demandes_services
from espace_famille.demandes.models import Request, RequestKind
from espace_famille.dossier import services as dossier_services
from espace_famille.dossier.models import (
    AuthorizedContact,
    Child,
    Civility,
    Diet,
    Family,
    FamilySituation,
    Guardian,
    Quality,
    Relationship,
    Sex,
    SubscriptionMethod,
    Vaccination,
)
from espace_famille.modifications import services as modifications_services
from espace_famille.planning import rules
from espace_famille.planning import services as planning_services
from espace_famille.planning.models import (
    Activity,
    ActivityPrice,
    ActivitySlot,
    Booking,
    Closure,
    DeadlineKind,
    Enrolment,
    Facility,
    FacilityKind,
    HolidayRule,
    SlotPeriod,
)
from home.models import ContentPage, FormField, FormPage, HomePage, LegalPage, SiteIdentity, SitemapPage
from notifications import kinds
from notifications.models import EmailTemplate

PASSWORD = "Portail2026!"

BOULOGNE = {"postcode": "92100", "city": "Boulogne-Billancourt"}
# Every child may be picked up by these adults; the guide shows Léa's.
DURANT_CONTACTS = [
    {
        "full_name": "BARRET Jean-philippe",
        "mobile": "06 23 45 67 89",
        "relationship": Relationship.NEIGHBOUR,
        "emergency_call": False,
        "can_pick_up": True,
    },
    {
        "full_name": "LOUVOIS Anne",
        "mobile": "06 34 56 78 90",
        "relationship": Relationship.UNCLE_AUNT,
        "emergency_call": False,
        "can_pick_up": True,
    },
]
ALL_ALLOWED = {
    "allows_sport": True,
    "allows_photo": True,
    "allows_outings": True,
    "allows_hospitalisation": True,
}

FAMILIES = [
    {
        "name": "DURANT",
        "code": "DURANT2026",
        "file": {
            **BOULOGNE,
            "address_line": "15 rue de Silly",
            "quotient": 850,
            "allocataire_number": "1234567",
            "dependants": 3,
            "account_holder": "M. Jean DURANT",
            "iban": "FR7630006000011234567890189",
            "bic": "AGRIFRPP882",
        },
        "guardians": [
            {
                "civility": Civility.MR,
                "first_name": "Jean",
                "last_name": "DURANT",
                "family_situation": FamilySituation.MARRIED,
                "quality": Quality.FATHER,
                "email": "jean.durant@example.org",
                "phone": "01 46 05 12 34",
                "mobile": "06 12 34 56 78",
                "accepts_email": True,
                "accepts_sms": True,
            },
            {
                # Her mobile phone arrives through an accepted request (load_requests).
                "civility": Civility.MRS,
                "first_name": "Claire",
                "last_name": "DURANT",
                "family_situation": FamilySituation.MARRIED,
                "quality": Quality.MOTHER,
                "email": "claire.durant@example.org",
                "phone": "01 46 05 12 34",
                "accepts_email": True,
                "accepts_sms": False,
            },
        ],
        "children": [
            {
                "first_name": "Léa",
                "birth_date": date(2010, 1, 1),
                "sex": Sex.GIRL,
                "insurance_company": "MAIF",
                "insurance_number": "2 345 678 R",
                "glasses": True,
                **ALL_ALLOWED,
                "allows_leave_alone": True,
                "vaccinations": [{"name": "Hépatite B", "date": date(2016, 4, 5)}],
                "contacts": DURANT_CONTACTS,
            },
            {
                "first_name": "Léo",
                "birth_date": date(2015, 11, 24),
                "sex": Sex.BOY,
                "insurance_company": "MAIF",
                "insurance_number": "2 345 678 R",
                **ALL_ALLOWED,
                "diet": Diet.PAI,
                "allergies": "Arachide : éviction stricte. Trousse d'urgence (PAI) remise à l'école.",
                "vaccinations": [
                    {"name": "DTPolio", "date": date(2016, 1, 24), "booster_date": date(2021, 11, 24)},
                    {"name": "ROR", "date": date(2016, 11, 24)},
                ],
                "contacts": DURANT_CONTACTS,
            },
            {
                "first_name": "Nathan",
                "birth_date": date(2015, 11, 24),
                "sex": Sex.BOY,
                "insurance_company": "MAIF",
                "insurance_number": "2 345 678 R",
                **ALL_ALLOWED,
                "allows_photo": False,
                "vaccinations": [
                    {"name": "DTPolio", "date": date(2016, 1, 24), "booster_date": date(2021, 11, 24)},
                    {"name": "ROR", "date": date(2016, 11, 24)},
                ],
                "contacts": DURANT_CONTACTS,
            },
        ],
        "account": "jean.durant@example.org",
        "invoice": ("2018-2544", Decimal("6.50"), "EM2018DUR", "PDUR44"),
    },
    {
        "name": "ADERNO",
        "code": "ADERNO2026",
        "file": {
            **BOULOGNE,
            "address_line": "48 avenue Jean-Baptiste Clément",
            "quotient": 520,
            "allocataire_number": "7654321",
            "dependants": 2,
        },
        "guardians": [
            {
                "civility": Civility.MRS,
                "first_name": "Sandrine",
                "last_name": "ADERNO",
                "family_situation": FamilySituation.SEPARATED,
                "quality": Quality.MOTHER,
                "email": "sandrine.aderno@example.org",
                "mobile": "06 45 67 89 01",
                "accepts_email": True,
                "accepts_sms": True,
            }
        ],
        "children": [
            {
                "first_name": "Maéva",
                "birth_date": date(2014, 5, 12),
                "sex": Sex.GIRL,
                "insurance_company": "MACIF",
                "insurance_number": "AB 98 76 54",
                **ALL_ALLOWED,
                "diet": Diet.NO_PORK,
                "vaccinations": [{"name": "Méningocoque C", "date": date(2015, 5, 12)}],
                "contacts": [
                    {
                        "full_name": "ADERNO Lucien",
                        "mobile": "06 56 78 90 12",
                        "relationship": Relationship.GRANDPARENT,
                        "emergency_call": True,
                        "can_pick_up": True,
                    }
                ],
            },
            {
                "first_name": "Timéo",
                "birth_date": date(2016, 9, 3),
                "sex": Sex.BOY,
                "insurance_company": "MACIF",
                "insurance_number": "AB 98 76 54",
                **ALL_ALLOWED,
                "diet": Diet.NO_PORK,
                "dental_appliance": True,
                "vaccinations": [{"name": "DTPolio", "date": date(2016, 11, 3), "booster_date": date(2022, 9, 3)}],
                "contacts": [
                    {
                        "full_name": "ADERNO Lucien",
                        "mobile": "06 56 78 90 12",
                        "relationship": Relationship.GRANDPARENT,
                        "emergency_call": True,
                        "can_pick_up": True,
                    }
                ],
            },
        ],
        "account": None,
        "invoice": ("2018-2344", Decimal("65.00"), "EM2018ADE", "PADE12"),
    },
    {
        "name": "BLMAN",
        "code": "BLMAN2026",
        "file": {
            **BOULOGNE,
            "address_line": "7 rue Gallieni",
            "address_complement": "Bâtiment B, 3e étage",
            "quotient": 1210,
            "allocataire_number": "2468135",
            "dependants": 1,
            "account_holder": "M. Matthieu BLMAN",
            "iban": "FR1420041010050500013M02606",
            "bic": "PSSTFRPPPAR",
        },
        "guardians": [
            {
                "civility": Civility.MR,
                "first_name": "Matthieu",
                "last_name": "BLMAN",
                "family_situation": FamilySituation.PACS,
                "quality": Quality.FATHER,
                "email": "matthieu.blman@example.org",
                "mobile": "07 12 34 56 78",
                "accepts_email": True,
                "accepts_sms": False,
            }
        ],
        "children": [
            {
                "first_name": "Annette",
                "birth_date": date(2013, 3, 8),
                "sex": Sex.GIRL,
                "insurance_company": "Groupama",
                "insurance_number": "5 678 901",
                **ALL_ALLOWED,
                "hearing_aid": True,
                "allergies": "Pollen de graminées (rhume des foins au printemps).",
                "vaccinations": [{"name": "DTPolio", "date": date(2013, 5, 8), "booster_date": date(2019, 3, 8)}],
                "contacts": [
                    {
                        "full_name": "BLMAN Odile",
                        "mobile": "06 11 22 33 44",
                        "phone": "01 47 12 34 56",
                        "relationship": Relationship.GRANDPARENT,
                        "emergency_call": True,
                        "can_pick_up": True,
                    }
                ],
            }
        ],
        "account": "matthieu.blman@example.org",
        "invoice": ("2018-2273", Decimal("43.00"), "EM2018BLM", "PBLM73"),
    },
]

# Family-file requests of the demo, made by the family's account: one the service accepted, with its
# message, and one waiting in the instructors' queue.
REQUESTS = [
    {
        "family": "DURANT2026",
        "by": "jean.durant@example.org",
        "guardian": "Claire",
        "values": {"mobile": "06 98 76 54 32", "accepts_sms": True},
        "accept": (
            "Bonjour, le numéro de téléphone portable de Mme Claire DURANT est enregistré : elle recevra "
            "désormais les SMS du service. Bonne journée."
        ),
    },
    {
        "family": "DURANT2026",
        "by": "jean.durant@example.org",
        "guardian": "Jean",
        "values": {"mobile": "07 81 23 45 67"},
        "accept": None,
    },
]
INSTRUCTOR = "instructeur@example.org"
DEMO_PARENT = "jean.durant@example.org"

# The guide's activities. Périscolaire runs in school time on Mondays, Tuesdays, Thursdays and Fridays;
# the accueil de loisirs («ALSH-IS») on Wednesdays all year and every weekday in the school holidays.
SCHOOL_DAYS = (0, 1, 3, 4)
FACILITIES = [
    ("Ecole Lux", FacilityKind.SCHOOL, "12 rue de la Paix, 92100 Boulogne-Billancourt"),
    ("Accueil de loisirs Les Tilleuls", FacilityKind.LEISURE, "3 allée des Tilleuls, 92100 Boulogne-Billancourt"),
    ("Crèche Les Petits Pas", FacilityKind.CRECHE, "8 rue Carnot, 92100 Boulogne-Billancourt"),
]
ACTIVITIES = [
    # code, label, facility, hours, weekdays, capacity, auto_accept, price, quotient prices
    ("1", "Péri MATIN", "Ecole Lux", ("07:35", "08:20"), SCHOOL_DAYS, 30, False, "1.60", []),
    (
        "2",
        "Repas Ecoles",
        "Ecole Lux",
        ("12:00", "13:30"),
        SCHOOL_DAYS,
        None,
        True,
        "4.20",
        [(700, "1.10"), (1200, "3.10")],
    ),
    ("4", "Péri SOIR", "Ecole Lux", ("16:30", "18:30"), SCHOOL_DAYS, 25, False, "2.10", []),
    ("5", "ALSH-IS-Matin", "Accueil de loisirs Les Tilleuls", ("08:00", "12:00"), "alsh", 40, False, "6.50", []),
    ("6", "ALSH-IS-Repas", "Accueil de loisirs Les Tilleuls", ("12:00", "14:00"), "alsh", 40, False, "4.20", []),
    ("7", "ALSH-IS-Après-midi", "Accueil de loisirs Les Tilleuls", ("13:00", "17:00"), "alsh", 40, False, "6.50", []),
]
# The lived-in planning: this many school days booked from next week on.
PLANNED_SCHOOL_DAYS = 16
# (family code, child): the activities the child is enrolled in for the school year.
ENROLMENTS = [
    ("DURANT2026", "Léo", ("1", "2", "4", "5", "6", "7")),
    ("DURANT2026", "Nathan", ("2", "4")),
    ("ADERNO2026", "Timéo", ("1", "2", "4", "5", "6", "7")),
    ("ADERNO2026", "Maéva", ("2",)),
    ("BLMAN2026", "Annette", ("2", "4")),
]

APPS_WITH_DEMO = ("espace_facturation", "justificatifs", "creche")

STAFF = [
    ("instructeur@example.org", "Inès", "TRUCHON", "Instructeurs", False),
    ("communication@example.org", "Camille", "ROUSSEL", "Chargés de communication", False),
    ("regisseur@example.org", "Rémi", "BERTIN", "Régisseurs", False),
    ("admin@example.org", "Alex", "MARTIN", None, True),
]


def _paragraph(text):
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def _child_page(parent, model, slug, **fields):
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def load_pages():
    # A flushed database (transactional tests) has lost the roots Wagtail's migrations made.
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="Portail citoyen",
            slug="accueil",
            signup_text=(
                "<p>Créez votre compte citoyen pour accéder à vos services en ligne : le dossier de votre famille, "
                "les réservations des activités de vos enfants, vos factures et leur paiement en ligne.</p>"
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Portail citoyen"
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = "Portail citoyen"
        site.save()
    # Wagtail's own welcome page is replaced by our home page.
    for page in Page.objects.child_of(root).exclude(pk=home.pk).filter(slug="home"):
        page.delete()

    terms = _child_page(
        home,
        LegalPage,
        "conditions-d-utilisation",
        title="Conditions d'utilisation",
        updated_on=date(2026, 11, 1),
        body=[
            _paragraph(
                "Le portail citoyen est un service de la collectivité. Il permet aux familles "
                "de gérer leur dossier, les activités de leurs enfants et leurs factures."
            ),
            _paragraph("Votre compte est personnel : ne communiquez ni votre mot de passe ni votre code abonné."),
        ],
    )
    privacy = _child_page(
        home,
        LegalPage,
        "donnees-personnelles",
        title="Données personnelles",
        updated_on=date(2026, 11, 1),
        body=[
            _paragraph(
                "Responsable du traitement : la Mairie de Boulogne-Billancourt, représentée par son maire. "
                "Délégué à la protection des données : dpo@example.org."
            ),
            _paragraph(
                "Finalités : la gestion du dossier des familles, des inscriptions, réservations et absences aux "
                "activités périscolaires et extrascolaires, des pré-inscriptions en crèche, des pièces "
                "justificatives, de la facturation et des paiements. Base légale : l'exécution d'une mission de "
                "service public (article 6-1-e du RGPD) ; les données de santé des enfants (allergies, régime, "
                "vaccins) sont traitées pour leur sécurité pendant l'accueil."
            ),
            _paragraph(
                "Destinataires : les agents habilités du service enfance jeunesse et de la régie ; chaque "
                "consultation des données de santé par un agent est enregistrée. Aucune donnée n'est cédée."
            ),
            _paragraph(
                "Durées de conservation : un dossier sans activité depuis trois ans est anonymisé, un compte "
                "inutilisé depuis trois ans est supprimé, le contenu des e-mails envoyés est effacé après 90 jours, "
                "les pièces justificatives expirées sont supprimées ; les factures et règlements sont conservés "
                "dix ans, comme l'exige la comptabilité publique."
            ),
            _paragraph(
                "Vos droits : accès, rectification, effacement, limitation et opposition. Depuis « Mon espace "
                "citoyen », « Télécharger mes données » vous donne une copie complète de vos données. Pour exercer "
                "vos autres droits, écrivez au délégué à la protection des données ; vous pouvez aussi adresser "
                "une réclamation à la CNIL (www.cnil.fr)."
            ),
        ],
    )
    contact = FormPage.objects.child_of(home).filter(slug="nous-contacter").first()
    if contact is None:
        contact = FormPage(
            title="Nous contacter",
            slug="nous-contacter",
            to_address="enfance@example.org",
            from_address="nepasrepondre@example.org",
            subject="Message du portail citoyen",
            intro="<p>Une question sur le portail ou sur les activités de vos enfants ? Écrivez-nous.</p>",
            thank_you_text="<p>Merci, votre message a bien été envoyé au service.</p>",
        )
        home.add_child(instance=contact)
        for order, (label, field_type, required) in enumerate(
            [
                ("Nom", "singleline", True),
                ("E-mail", "email", True),
                ("Objet", "singleline", True),
                ("Message", "multiline", True),
            ]
        ):
            FormField.objects.create(
                page=contact, sort_order=order, label=label, field_type=field_type, required=required
            )
        contact.save_revision().publish()
    sitemap = _child_page(
        home,
        SitemapPage,
        "plan-du-site",
        title="Plan du site",
        intro="Toutes les pages du site et les espaces du portail.",
    )
    _child_page(
        home,
        ContentPage,
        "service-enfance-jeunesse",
        title="Le service enfance jeunesse",
        intro="Accueils périscolaires, restauration scolaire et accueils de loisirs.",
        body=[
            {"type": "heading", "value": "Nos accueils"},
            _paragraph(
                "Le service accueille les enfants le matin, le midi et le soir les jours d'école, "
                "et le mercredi et pendant les vacances scolaires en accueil de loisirs."
            ),
        ],
    )

    cards = [
        (
            "card",
            {
                "title": "Espace facturation",
                "text": "Consultez et payez vos factures.",
                "page": None,
                "space": "espace_facturation:home",
            },
        ),
        (
            "card",
            {"title": "Nous contacter", "text": "Une question ? Écrivez au service.", "page": contact, "space": ""},
        ),
        (
            "card",
            {
                "title": "Espace famille",
                "text": "Dossier famille, planning, réservations.",
                "page": None,
                "space": "espace_famille:home",
            },
        ),
    ]
    if not home.cards:
        home.cards = cards
        home.save_revision().publish()

    identity = SiteIdentity.for_site(site)
    identity.municipality_name = "Mairie de Boulogne-Billancourt"
    identity.address = "892 rue Yves Kermen\n92100 Boulogne-Billancourt"
    identity.phone = "02.02.02.02.02"
    identity.opening_hours = "tous les jours de 9h à 12h et de 14h à 17h"
    identity.public_url = "http://127.0.0.1:8000"
    identity.service_name = "le service enfance jeunesse"
    identity.sender_name = "Portail citoyen"
    identity.sender_email = "nepasrepondre@example.org"
    identity.terms_page, identity.privacy_page = terms, privacy
    identity.contact_page, identity.sitemap_page = contact, sitemap
    identity.save()


def load_email_templates():
    for kind in kinds.all_kinds():
        EmailTemplate.objects.get_or_create(
            kind=kind.slug,
            defaults={"subject": kind.subject, "body": kind.body, "button_label": kind.button_label, "zone": kind.zone},
        )


def _account(email, first_name, last_name, civility="", **extra):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=PASSWORD, first_name=first_name, last_name=last_name, civility=civility, **extra
        )
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _fill(model, lookup: dict, values: dict):
    """The row found by `lookup`, created with `values`; a row already there only gets its empty fields filled,
    so that what the demo changed since (an accepted request) stays."""
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        return model.objects.create(**{**values, **lookup})
    empty = [
        name for name, value in values.items() if getattr(instance, name) in ("", None) and value not in ("", None)
    ]
    for name in empty:
        setattr(instance, name, values[name])
    if empty:
        instance.save(update_fields=empty)
    return instance


def load_families():
    regie, _ = Regie.objects.get_or_create(name="Regie BL Enfance", defaults={"service_name": "Regie NEO Technique"})
    for spec in FAMILIES:
        family = Family.objects.filter(subscriber_code=spec["code"]).first()
        if family is None:
            family = dossier_services.family_create(name=spec["name"], subscriber_code=spec["code"])
        _fill(Family, {"pk": family.pk}, spec["file"])
        for position, guardian in enumerate(spec["guardians"], start=1):
            values = {name: value for name, value in guardian.items() if name not in ("first_name", "last_name")}
            _fill(
                Guardian,
                {"family": family, "first_name": guardian["first_name"], "last_name": guardian["last_name"]},
                {**values, "position": position},
            )
        for child_spec in spec["children"]:
            values = {
                name: value
                for name, value in child_spec.items()
                if name not in ("first_name", "vaccinations", "contacts")
            }
            child = _fill(
                Child, {"family": family, "first_name": child_spec["first_name"]}, {"last_name": spec["name"], **values}
            )
            for vaccination in child_spec["vaccinations"]:
                _fill(Vaccination, {"child": child, "name": vaccination["name"]}, vaccination)
            for contact in child_spec["contacts"]:
                _fill(AuthorizedContact, {"child": child, "full_name": contact["full_name"]}, contact)
        number, amount, emission, personal = spec["invoice"]
        Invoice.objects.get_or_create(
            regie=regie,
            number=number,
            defaults={
                "family": family,
                "issued_on": date(2018, 12, 7),
                "due_on": date(2019, 1, 11),
                "amount": amount,
                "emission_code": emission,
                "personal_code": personal,
            },
        )
        if spec["account"]:
            first = spec["guardians"][0]
            user = _account(spec["account"], first["first_name"], first["last_name"], civility=first["civility"])
            dossier_services.subscription_create(user=user, family=family, method=SubscriptionMethod.STAFF)


# The demo's staff have an authenticator app already set up with this key: add it to yours, or ask
# `oathtool --totp -b <key>` for the current code.
STAFF_TOTP_SECRET = "PORTAILFAMILLEDEMOPORTAILFAMILLE"


def load_staff():
    from espace_famille.comptes.permissions import ensure_staff_groups

    groups = {group.name: group for group in ensure_staff_groups()}
    for email, first, last, group_name, superuser in STAFF:
        user = _account(
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


def load_requests():
    """The demo's family-file requests, made through the services as a parent and an instructor would.

    A person who already has a request of the demo keeps it: loading again adds nothing."""
    instructor = User.objects.get(email=INSTRUCTOR)
    for spec in REQUESTS:
        family = Family.objects.get(subscriber_code=spec["family"])
        guardian = family.guardians.get(first_name=spec["guardian"])
        if Request.objects.filter(family=family, kind=RequestKind.GUARDIAN_CHANGE, guardian=guardian).exists():
            continue
        author = User.objects.get(email=spec["by"])
        request = modifications_services.family_file_submit(
            family=family, kind=RequestKind.GUARDIAN_CHANGE, values=spec["values"], by=author, guardian=guardian
        )
        if request is not None and spec["accept"]:
            demandes_services.request_decide(
                request=request, by=instructor, decision=request_kinds.ACCEPT, message=spec["accept"]
            )


def load_activities():
    facilities = {}
    for name, kind, address in FACILITIES:
        facilities[name], _ = Facility.objects.get_or_create(name=name, defaults={"kind": kind, "address": address})
    activities = {}
    for code, label, facility, (start, end), days, capacity, auto_accept, price, prices in ACTIVITIES:
        leisure = days == "alsh"
        activity, created = Activity.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "facility": facilities[facility],
                "holiday_rule": HolidayRule.ALWAYS if leisure else HolidayRule.SCHOOL_TIME,
                "capacity": capacity,
                "auto_accept": auto_accept,
                "price": Decimal(price),
                # The accueil de loisirs asks for 2 working days' notice; the school, the day before at noon.
                "booking_deadline_kind": DeadlineKind.WORKING_DAYS if leisure else DeadlineKind.DAYS_BEFORE,
                "booking_deadline_days": 2 if leisure else 1,
                "cancel_deadline_kind": DeadlineKind.WORKING_DAYS if leisure else DeadlineKind.DAYS_BEFORE,
                "cancel_deadline_days": 2 if leisure else 1,
            },
        )
        activities[code] = activity
        if created:
            weekdays = {0: SlotPeriod.HOLIDAYS, 1: SlotPeriod.HOLIDAYS, 2: SlotPeriod.ALL, 3: SlotPeriod.HOLIDAYS}
            weekdays = {**weekdays, 4: SlotPeriod.HOLIDAYS} if leisure else dict.fromkeys(days, SlotPeriod.ALL)
            ActivitySlot.objects.bulk_create(
                ActivitySlot(activity=activity, weekday=day, period=period, start_time=start, end_time=end)
                for day, period in weekdays.items()
            )
            ActivityPrice.objects.bulk_create(
                ActivityPrice(activity=activity, quotient_max=limit, amount=Decimal(amount)) for limit, amount in prices
            )
    start, end = school_year(timezone.localdate())
    # A teachers' training day at the Ecole Lux: the last Friday of January.
    training_day = date(start.year + 1, 1, 31)
    training_day -= timedelta(days=(training_day.weekday() - 4) % 7)
    Closure.objects.get_or_create(
        label="Journée pédagogique",
        start_date=training_day,
        defaults={"end_date": training_day, "facility": facilities["Ecole Lux"]},
    )
    for family_code, first_name, codes in ENROLMENTS:
        child = Child.objects.get(family__subscriber_code=family_code, first_name=first_name)
        for code in codes:
            activity = activities[code]
            weekdays = sorted(slot.weekday for slot in activity.slots.all())
            Enrolment.objects.get_or_create(
                child=child, activity=activity, start_date=start, defaults={"end_date": end, "weekdays": weekdays}
            )


def school_year(today: date) -> tuple[date, date]:
    """The school year the demo plays in: today's, or the next one once too few school days are left in it to
    show a lived-in planning (from June, and in the summer holidays)."""
    from espace_famille.planning.calendar import Calendar, school_zone

    first, last = rules.school_year_of(today)
    left = Calendar(start=today, end=last, zone=school_zone()).school_days(SCHOOL_DAYS)
    if len(left) > PLANNED_SCHOOL_DAYS + 5:
        return first, last
    return rules.school_year_of(last + timedelta(days=1))


def load_bookings():
    """A lived-in planning for DURANT and ADERNO around today, made through the services as parents and the
    instructor would: booked weeks, a pending request, a refused day, a billed absence, a waiting list.

    The days are the coming school days, whatever today is; loading again adds nothing."""
    if Booking.objects.exists():
        return
    instructor = User.objects.get(email=INSTRUCTOR)
    parent = User.objects.get(email=DEMO_PARENT)
    from espace_famille.planning.calendar import Calendar

    today = timezone.localdate()
    # From the Monday after tomorrow at the earliest, so that the absence below is declared before its deadline.
    soonest = max(today + timedelta(days=2), school_year(today)[0])
    monday = soonest + timedelta(days=-soonest.weekday() % 7)
    leo = Child.objects.get(family__subscriber_code="DURANT2026", first_name="Léo")
    nathan = Child.objects.get(family__subscriber_code="DURANT2026", first_name="Nathan")
    timeo = Child.objects.get(family__subscriber_code="ADERNO2026", first_name="Timéo")
    morning, meal, evening, leisure = (Activity.objects.get(code=code) for code in ("1", "2", "4", "7"))
    asked_at = timezone.now() - timedelta(days=3)

    def ask(children, activity, kind, days, by=parent):
        family = children[0].family
        return planning_services.booking_request_submit(
            family=family, by=by, children=children, activity=activity, kind=kind, days=days, now=asked_at
        )

    calendar = Calendar.load(monday, monday + timedelta(days=120))
    school_days = [day for day in calendar.school_days(SCHOOL_DAYS) if not calendar.closed(morning, day)]
    school_days = school_days[:PLANNED_SCHOOL_DAYS]
    if len(school_days) < PLANNED_SCHOOL_DAYS:
        # The school holidays of that year are not known yet (the dashboard says so): no school day to book.
        return
    start, end = school_days[0], school_days[-1]
    # Léo: mornings and meals booked for four weeks (meals are accepted automatically).
    demandes_services.requests_decide(
        requests=ask([leo], morning, "booking", school_days).requests, by=instructor, decision=request_kinds.ACCEPT
    )
    ask([leo, nathan], meal, "booking", school_days)
    # Evenings: the first two weeks accepted, one day refused, the rest still pending.
    evenings = ask([leo], evening, "booking", school_days).requests[0]
    lines = list(evenings.lines.order_by("day"))
    demandes_services.request_decide(
        request=evenings,
        by=instructor,
        decision=request_kinds.PARTIAL,
        lines={request_kinds.ACCEPT: [line.pk for line in lines[:7]], request_kinds.REFUSE: [lines[7].pk]},
        message="Le jeudi, le périscolaire du soir est complet pour les CM2 : Léo est inscrit à l'étude.",
    )
    # An absence declared in time on a booked morning: accepted, not billed.
    absence = planning_services.booking_request_submit(
        family=leo.family, by=parent, children=[leo], activity=morning, kind="absence", days=[school_days[0]]
    )
    for request in absence.requests:
        demandes_services.request_decide(
            request=request,
            by=instructor,
            decision=request_kinds.PARTIAL,
            lines={request_kinds.ACCEPT: [school_days[0]]},
        )
    # The accueil de loisirs on Wednesdays: Timéo's family has no account, the service books for it.
    wednesdays = list(rules.days_between(start, end, {2}))
    demandes_services.requests_decide(
        requests=ask([timeo], leisure, "booking", wednesdays, by=instructor).requests,
        by=instructor,
        decision=request_kinds.ACCEPT,
    )


@transaction.atomic
def load():
    load_pages()
    load_email_templates()
    load_families()
    load_staff()
    load_activities()
    load_bookings()
    # Requests need the families' accounts and the instructor who decides.
    load_requests()
    # Billing, documents and crèche applications each load their part of the demo.
    for label in APPS_WITH_DEMO:
        import_module(f"{apps.get_app_config(label).name}.demo").load()
