"""The messages of «Nous contacter» in the registry: kept one year, then deleted."""

from wagtail.contrib.forms.models import FormSubmission

from commun.personal_data import After, Delete, PersonalData, exempt, register

from .models import ContentPage, FormPage, HomePage, LegalPage, SiteIdentity, SitemapPage

# Long enough for the service to answer and for a follow-up; the answer itself lives in the service's mailbox.
CONTACT_DAYS = 365


def register_all() -> None:
    register(
        # A message typed by anyone, linked to no family or account: the family's export cannot find it.
        PersonalData(
            FormSubmission,
            rules=(After(CONTACT_DAYS, "submit_time", Delete(), "reçues il y a plus de {days} jours"),),
            export=None,
        ),
    )
    exempt(SiteIdentity, reason="the municipality's public address and phone, printed on every page")
    for page in (HomePage, ContentPage, LegalPage, FormPage, SitemapPage):
        exempt(page, reason="a published page; its owner and lock name only the staff member who edits it")
