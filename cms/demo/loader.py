"""The demo municipality: pages, settings, email templates, the guide's families and staff accounts.

Every step looks up what exists first, so loading twice changes nothing.
"""

from datetime import date
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from espace_facturation.models import Invoice, Regie
from espace_famille import services as famille_services
from espace_famille.models import Child, Civility, Family, Guardian, Sex, SubscriptionMethod, User
from home.models import ContentPage, FormField, FormPage, HomePage, LegalPage, SiteIdentity, SitemapPage
from notifications import kinds
from notifications.models import EmailTemplate

PASSWORD = "Portail2026!"

FAMILIES = [
    {
        "name": "DURANT",
        "code": "DURANT2026",
        "guardians": [("M.", "Jean", "DURANT", "jean.durant@example.org"), ("Mme", "Claire", "DURANT", "")],
        "children": [
            ("Léa", date(2010, 1, 1), Sex.GIRL),
            ("Léo", date(2015, 11, 24), Sex.BOY),
            ("Nathan", date(2015, 11, 24), Sex.BOY),
        ],
        "account": "jean.durant@example.org",
        "invoice": ("2018-2544", Decimal("6.50"), "EM2018DUR", "PDUR44"),
    },
    {
        "name": "ADERNO",
        "code": "ADERNO2026",
        "guardians": [("Mme", "Sandrine", "ADERNO", "sandrine.aderno@example.org")],
        "children": [("Maéva", date(2014, 5, 12), Sex.GIRL), ("Timéo", date(2016, 9, 3), Sex.BOY)],
        "account": None,
        "invoice": ("2018-2344", Decimal("65.00"), "EM2018ADE", "PADE12"),
    },
    {
        "name": "BLMAN",
        "code": "BLMAN2026",
        "guardians": [("M.", "Matthieu", "BLMAN", "matthieu.blman@example.org")],
        "children": [("Annette", date(2013, 3, 8), Sex.GIRL)],
        "account": "matthieu.blman@example.org",
        "invoice": ("2018-2273", Decimal("43.00"), "EM2018BLM", "PBLM73"),
    },
]

STAFF = [
    ("instructeur@example.org", "Inès", "TRUCHON", "Instructeurs", False),
    ("communication@example.org", "Camille", "ROUSSEL", "Chargés de communication", False),
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
        "confidentialite",
        title="Confidentialité",
        updated_on=date(2026, 11, 1),
        body=[
            _paragraph(
                "Les données de votre famille sont traitées par la collectivité pour la "
                "gestion des activités périscolaires et extrascolaires et leur facturation."
            ),
            _paragraph(
                "Vous pouvez exercer vos droits d'accès, de rectification et d'effacement "
                "auprès du service enfance jeunesse."
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


def load_families():
    regie, _ = Regie.objects.get_or_create(name="Regie BL Enfance", defaults={"service_name": "Regie NEO Technique"})
    for spec in FAMILIES:
        family = Family.objects.filter(subscriber_code=spec["code"]).first()
        if family is None:
            family = famille_services.family_create(name=spec["name"], subscriber_code=spec["code"])
        for position, (civility, first, last, email) in enumerate(spec["guardians"], start=1):
            Guardian.objects.get_or_create(
                family=family,
                first_name=first,
                last_name=last,
                defaults={"civility": civility, "email": email, "position": position},
            )
        for first, born, sex in spec["children"]:
            Child.objects.get_or_create(
                family=family, first_name=first, defaults={"last_name": spec["name"], "birth_date": born, "sex": sex}
            )
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
            civility, first, last, _ = spec["guardians"][0]
            user = _account(spec["account"], first, last, civility=civility)
            famille_services.subscription_create(user=user, family=family, method=SubscriptionMethod.STAFF)


def load_staff():
    from espace_famille.permissions import ensure_staff_groups

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


@transaction.atomic
def load():
    load_pages()
    load_email_templates()
    load_families()
    load_staff()
