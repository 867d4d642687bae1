"""The demo municipality's site: the home page and its cards, the legal pages, the contact form, the site map, a
content page, and the site settings (identity, contact details, sender of the e-mails). Safe to run twice."""

from datetime import date

from django.conf import settings
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from home.models import ContentPage, FormField, FormPage, HomePage, LegalPage, SiteIdentity, SitemapPage

# The Site Wagtail's migrations create, which the demo turns into the address `make demo` serves.
WAGTAIL_INITIAL_SITE = ("localhost", 80)
DEMO_HOST, DEMO_PORT = "127.0.0.1", 8000


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


def load():
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
    # The address `make demo` serves: e-mails written without a request (digests, reminders) link to it.
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname=DEMO_HOST, port=DEMO_PORT, root_page=home, is_default_site=True, site_name="Portail citoyen"
        )
    elif site.root_page_id != home.pk or (site.hostname, site.port) == WAGTAIL_INITIAL_SITE:
        site.root_page = home
        site.site_name = "Portail citoyen"
        if (site.hostname, site.port) == WAGTAIL_INITIAL_SITE:
            site.hostname, site.port = DEMO_HOST, DEMO_PORT
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
    identity.service_name = "le service enfance jeunesse"
    identity.sender_name = "Portail citoyen"
    identity.sender_email = "nepasrepondre@example.org"
    identity.terms_page, identity.privacy_page = terms, privacy
    identity.contact_page, identity.sitemap_page = contact, sitemap
    identity.save()
