"""Pages of the public site and the municipality's identity (site settings)."""

from http import HTTPMethod

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page, PageViewRestriction, Site

from commun import kept

PORTAL_SPACES = [
    ("espace_famille:mon_espace", "Mon espace citoyen"),
    ("espace_famille:home", "Espace famille"),
    ("espace_facturation:home", "Espace facturation"),
]


SIGNATURE_CACHE_KEY = "home:signature"
SIGNATURE_CACHE_SECONDS = 3600


def signature_forget(**_signal_arguments) -> None:
    """A site or its identity changed: the next e-mail reads the signature again."""
    kept.forget(SIGNATURE_CACHE_KEY)


def _default_site() -> Site | None:
    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    municipality_name = models.CharField("nom de la collectivité", max_length=150, default="Mairie")
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="logo"
    )
    address = models.TextField("adresse postale", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    opening_hours = models.CharField("horaires d'ouverture", max_length=200, blank=True)
    service_name = models.CharField("service signataire", max_length=150, default="le service enfance jeunesse")
    sender_name = models.CharField("nom de l'expéditeur", max_length=100, default="Portail citoyen")
    sender_email = models.EmailField("adresse d'expédition", blank=True)
    terms_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="page des conditions d'utilisation",
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="page de confidentialité",
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="page « Nous contacter »",
    )
    sitemap_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="page « Plan du site »",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("municipality_name"),
                FieldPanel("logo"),
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("opening_hours")]),
            ],
            heading="Identité",
        ),
        MultiFieldPanel(
            [FieldPanel("service_name"), FieldRowPanel([FieldPanel("sender_name"), FieldPanel("sender_email")])],
            heading="E-mails",
        ),
        MultiFieldPanel(
            [
                FieldPanel("terms_page"),
                FieldPanel("privacy_page"),
                FieldPanel("contact_page"),
                FieldPanel("sitemap_page"),
            ],
            heading="Pages du portail",
        ),
    ]

    # Every page's layout reads the logo and the four pages (menus, footer): one query with the settings.
    select_related = ["site", "logo", "terms_page", "privacy_page", "contact_page", "sitemap_page"]
    PAGE_FIELDS = ("terms_page", "privacy_page", "contact_page", "sitemap_page")

    class Meta:
        verbose_name = "identité de la collectivité"

    @classmethod
    def current(cls) -> "SiteIdentity":
        site = _default_site()
        if site is None:
            return cls()
        return cls.for_site(site)

    @classmethod
    def public_address(cls, path: str = "", *, request=None) -> str:
        """The portal's address followed by `path`: the links of e-mails. With a request, the address the person is
        using; otherwise the default Wagtail Site's («Paramètres > Sites»: its host name and port, https on 443),
        else the PUBLIC_URL setting, kept in the cache with the e-mails' signature."""
        if request is not None:
            root = f"{request.scheme}://{request.get_host()}"
        else:
            # The default site's address (else PUBLIC_URL), as the signature of e-mails holds it, from the cache.
            root = cls.current_signature()["public_url"]
        return root.rstrip("/") + path

    @classmethod
    def current_signature(cls) -> dict:
        """The signature of every e-mail, kept in the shared cache until a site or its identity changes: e-mails
        are written inside their cause's transaction, often under its locks (a booking's acknowledgement under
        the activity's), where two queries with five joins each time cost every parent waiting for that lock."""
        return cache.get_or_set(SIGNATURE_CACHE_KEY, lambda: cls.current().signature(), timeout=SIGNATURE_CACHE_SECONDS)

    def page_url(self, field: str, request) -> str:
        """The address of a page chosen here (one of PAGE_FIELDS) as the request's site writes it, "" while none is
        chosen; kept on this object, and with it in the page cache (cms/page_cache.py), that every page's menus
        and footer read it without working out the page's address again."""
        urls = self.__dict__.setdefault("_page_urls", {})
        if field not in urls:
            page = getattr(self, field)
            urls[field] = (page.get_url(request) or "") if page else ""
        return urls[field]

    def keep_page_urls(self, request) -> None:
        for field in self.PAGE_FIELDS:
            self.page_url(field, request)

    def signature(self) -> dict:
        sender = ""
        if self.sender_email:
            sender = f"{self.sender_name} <{self.sender_email}>" if self.sender_name else self.sender_email
        return {
            "name": self.municipality_name,
            "address": self.address,
            "phone": self.phone,
            "opening_hours": self.opening_hours,
            "public_url": self.site.root_url if self.site_id else settings.PUBLIC_URL,
            "service_name": self.service_name,
            "sender": sender,
        }


# Pages answer only what they use: a scanner (or anyone) asking to PUT or DELETE a page gets 405.
READ_ONLY = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]


class CardBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="titre")
    text = blocks.TextBlock(label="texte", required=False)
    page = blocks.PageChooserBlock(label="page liée", required=False)
    space = blocks.ChoiceBlock(label="ou espace du portail", choices=PORTAL_SPACES, required=False)

    class Meta:
        icon = "doc-full"
        label = "carte"
        template = "home/blocks/card.html"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("space"):
            raise blocks.StructBlockValidationError(
                block_errors={"page": ValidationError("Choisissez une page ou un espace du portail.")}
            )
        return value


class ContentBlocks(blocks.StreamBlock):
    heading = blocks.CharBlock(label="intertitre", form_classname="title", template="home/blocks/heading.html")
    paragraph = blocks.RichTextBlock(label="paragraphe", features=["bold", "italic", "link", "ol", "ul", "h3"])
    image = ImageChooserBlock(label="image", template="home/blocks/image.html")
    cards = blocks.ListBlock(CardBlock(), label="cartes", template="home/blocks/cards.html")


VIEW_RESTRICTIONS_CACHE_KEY = "home:view-restrictions"
KEPT_RESTRICTIONS = "_kept_view_restrictions"
_ALIASES = "aliases"


def _restrictions_of_the_tree() -> list[tuple[str, int]] | None:
    """Every view restriction of the page tree, as (path of its page, id), kept in the shared cache until a
    restriction or a page changes; None while a page is an alias of another (Wagtail's own reading then)."""

    def read():
        if Page.objects.filter(alias_of__isnull=False).exists():
            return _ALIASES
        return list(PageViewRestriction.objects.values_list("page__path", "pk"))

    found = cache.get_or_set(VIEW_RESTRICTIONS_CACHE_KEY, read, timeout=SIGNATURE_CACHE_SECONDS)
    return None if found == _ALIASES else found


def view_restrictions_forget(**_signal_arguments) -> None:
    """A restriction or a page changed (a page saved, moved or deleted, an alias created): the next page reads
    them again."""
    kept.forget(VIEW_RESTRICTIONS_CACHE_KEY)


class ViewRestrictionsFromCache:
    """Wagtail checks a page's view restrictions, and its ancestors', each time it serves it: two queries on every
    page of the site, for restrictions that seldom exist. They are read from the cache (a page's restrictions are
    those of the pages whose path starts its own); still a queryset, as Wagtail's admin orders and counts it."""

    def get_view_restrictions(self):
        ids = self.__dict__.get(KEPT_RESTRICTIONS)
        if ids is None:
            restrictions = _restrictions_of_the_tree()
            if restrictions is None:
                return super().get_view_restrictions()
            ids = [pk for path, pk in restrictions if self.path.startswith(path)]
        if ids:
            return PageViewRestriction.objects.filter(pk__in=ids)
        none = PageViewRestriction.objects.none()
        none._result_cache = []  # read as it is (Wagtail loops over it on every page), not compiled to find nothing
        return none

    def keep_view_restrictions(self) -> None:
        """Reads the page's restrictions now and keeps them on this object, for a copy of the page kept in a cache
        that a change of a restriction empties (the site's home page, cms/page_cache.py)."""
        restrictions = _restrictions_of_the_tree()
        if restrictions is not None:
            self.__dict__[KEPT_RESTRICTIONS] = [pk for path, pk in restrictions if self.path.startswith(path)]


class HomePage(ViewRestrictionsFromCache, Page):
    allowed_http_methods = READ_ONLY
    login_title = models.CharField("titre de la connexion", max_length=150, default="Connectez-vous au Portail Citoyen")
    signup_title = models.CharField(
        "titre de la création de compte", max_length=150, default="Vous n'avez pas encore de compte citoyen ?"
    )
    signup_text = RichTextField("texte de la création de compte", blank=True, features=["bold", "italic", "link", "ul"])
    cards = StreamField([("card", CardBlock())], verbose_name="cartes", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("login_title"),
        MultiFieldPanel([FieldPanel("signup_title"), FieldPanel("signup_text")], heading="Créer un compte"),
        FieldPanel("cards"),
    ]
    max_count = 1
    subpage_types = ["home.ContentPage", "home.LegalPage", "home.FormPage", "home.SitemapPage"]

    class Meta:
        verbose_name = "page d'accueil"

    def get_context(self, request, *args, **kwargs):
        # The editor previews the texts they write (connexion, création de compte, cartes) as a visitor reads them:
        # signed in, the page would show their own «À faire» instead.
        context = super().get_context(request, *args, **kwargs)
        if getattr(request, "is_preview", False):
            context["user"] = AnonymousUser()
        return context

    def serve(self, request, *args, **kwargs):
        # A signed-in parent's home page is «À faire»: their invoices, documents and messages. No browser or proxy
        # keeps it.
        response = super().serve(request, *args, **kwargs)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class ContentPage(ViewRestrictionsFromCache, Page):
    allowed_http_methods = READ_ONLY
    intro = models.TextField("chapô", blank=True)
    body = StreamField(ContentBlocks(), verbose_name="contenu", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["home.ContentPage"]

    class Meta:
        verbose_name = "page de contenu"


class LegalPage(ViewRestrictionsFromCache, Page):
    allowed_http_methods = READ_ONLY
    body = StreamField(ContentBlocks(), verbose_name="contenu", blank=True)
    updated_on = models.DateField("mise à jour le", null=True, blank=True)

    content_panels = Page.content_panels + [FieldPanel("updated_on"), FieldPanel("body")]
    subpage_types = []

    class Meta:
        verbose_name = "page de conditions (CGU, confidentialité)"


class FormField(AbstractFormField):
    page = ParentalKey("FormPage", on_delete=models.CASCADE, related_name="form_fields")


class FormPage(ViewRestrictionsFromCache, AbstractEmailForm):
    allowed_http_methods = [*READ_ONLY, HTTPMethod.POST]
    intro = RichTextField("introduction", blank=True)
    thank_you_text = RichTextField("message de remerciement", blank=True)

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label="Champs du formulaire"),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]), FieldPanel("subject")],
            heading="E-mail envoyé au service",
        ),
    ]
    subpage_types = []

    class Meta:
        verbose_name = "formulaire « Nous contacter »"

    def process_form_submission(self, form):
        # Saved, then emailed through the outbox like every email of the portal: sent once,
        # retried if SMTP fails, in the same transaction as the submission.
        from notifications import services

        with transaction.atomic():
            submission = AbstractForm.process_form_submission(self, form)
            lines = [
                f"{field.label} : {form.cleaned_data.get(field.clean_name, '')}" for field in self.get_form_fields()
            ]
            sender = next((str(v) for k, v in form.cleaned_data.items() if "mail" in k and v), "")
            for address in [a.strip() for a in self.to_address.split(",") if a.strip()]:
                services.queue(
                    kind="contact_form",
                    to=address,
                    key=f"contact:{submission.pk}:{address}",
                    context={"expediteur": sender, "message": "\n".join(lines), "nom_complet": self.title},
                )
        return submission


class SitemapPage(ViewRestrictionsFromCache, Page):
    allowed_http_methods = READ_ONLY
    intro = models.TextField("introduction", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "plan du site"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        root = self.get_site().root_page if self.get_site() else self.get_parent()
        context["site_root"] = root
        context["site_pages"] = root.get_descendants().live().public().specific().order_by("path")
        context["portal_spaces"] = [(reverse(name), label) for name, label in PORTAL_SPACES]
        return context
