"""The personal-data registry is complete: a model that holds personal data and is missing from it fails here."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps

from commun import personal_data, retention
from commun.personal_data import After, PersonalData, Section
from espace_famille.dossier.models import Child

# The project's apps, and the third-party ones whose rows belong to a citizen (their e-mail addresses, second factors,
# messages sent through «Nous contacter», admin preferences).
PORTAL_PACKAGES = {"cms", "commun", "home", "espace_famille", "espace_facturation", "notifications"}
SCANNED_APPS = {config.label for config in apps.get_app_configs() if config.name.split(".")[0] in PORTAL_PACKAGES} | {
    "account",
    "mfa",
    "wagtailforms",
    "wagtailusers",
}
PERSON_MODELS = {"espace_famille.Family", "espace_famille.Guardian", "espace_famille.Child", settings.AUTH_USER_MODEL}
# A field whose name holds one of these words is a person's data («child_first_name», «to_email», «message»).
PERSONAL_WORDS = ("first_name", "last_name", "full_name", "child_name", "email", "phone", "mobile", "address")
PERSONAL_WORDS += ("birth", "allergies", "iban", "message", "form_data", "session_data")


def _owned(model) -> bool:
    """A registered model whose rows belong to a family or an account: a row linked to one belongs there too."""
    entry = personal_data.entry_for(model)
    return entry is not None and (entry.family is not None or entry.user is not None)


def looks_personal(model) -> bool:
    """A link to a family, a person, an account or a row of theirs; a file; or a field named like a person's data."""
    for field in model._meta.concrete_fields:
        target = field.related_model if field.is_relation else None
        if target is not None and (target._meta.label in PERSON_MODELS or _owned(target)):
            return True
        if isinstance(field, models.FileField) or any(word in field.name for word in PERSONAL_WORDS):
            return True
    return False


def missing(candidates) -> list[str]:
    return [
        model._meta.label
        for model in candidates
        if looks_personal(model) and personal_data.entry_for(model) is None and model not in personal_data.EXEMPT
    ]


def scanned_models():
    return [model for model in apps.get_models() if model._meta.app_label in SCANNED_APPS]


def test_every_model_holding_personal_data_is_registered_or_exempted_with_a_reason():
    assert "espace_famille" in SCANNED_APPS and "creche" in SCANNED_APPS and "account" in SCANNED_APPS
    assert missing(scanned_models()) == []
    assert all(reason.strip() for reason in personal_data.EXEMPT.values())


# Throwaway models, never migrated: they need no __str__.
@isolate_apps("espace_famille")
def test_a_new_model_with_personal_data_fails_until_it_is_registered():
    class Pet(models.Model):  # noqa: DJ008
        child = models.ForeignKey(Child, on_delete=models.CASCADE)
        name = models.CharField(max_length=50)

        class Meta:
            app_label = "espace_famille"

    class Note(models.Model):  # noqa: DJ008
        scan = models.FileField()

        class Meta:
            app_label = "espace_famille"

    class Colour(models.Model):  # noqa: DJ008
        name = models.CharField(max_length=50)

        class Meta:
            app_label = "espace_famille"

    assert missing([Pet, Note, Colour]) == ["espace_famille.Pet", "espace_famille.Note"]


def test_removing_a_registration_is_caught(monkeypatch):
    from espace_famille.creche.models import CrecheApplication

    kept = [entry for entry in personal_data.REGISTRY if entry.model is not CrecheApplication]
    monkeypatch.setattr(personal_data, "REGISTRY", kept)
    assert missing(scanned_models()) == ["creche.CrecheApplication"]


def test_the_crèche_requests_messages_and_justifications_are_in_the_registry():
    from espace_famille.creche.models import CrecheApplication, CrecheDraft
    from espace_famille.demandes.models import Request, RequestEvent, RequestLine
    from espace_famille.justificatifs.models import Document

    for model in (CrecheApplication, CrecheDraft, Request, RequestEvent, RequestLine, Document):
        assert personal_data.entry_for(model) is not None, model


@pytest.mark.django_db
def test_every_path_and_period_of_the_registry_reads_the_database():
    """A wrong path ("familly") or date field fails here rather than in the nightly job."""
    from django.utils import timezone

    for entry in personal_data.REGISTRY:
        manager = entry.model._default_manager
        for path in (entry.family, entry.user):
            if path:
                list(manager.values(path)[:1])
        if entry.activity:
            list(manager.values(entry.activity)[:1])
        for rule in entry.rules:
            if isinstance(rule, After):
                retention.due_rows(entry, rule, now=timezone.now(), periods={}).count()


def test_every_export_reference_names_a_section():
    keys = {section.key for section in personal_data.sections()}
    for entry in personal_data.REGISTRY:
        if isinstance(entry.export, str):
            assert entry.export in keys, entry
        assert entry.export is None or isinstance(entry.export, Section | str)
    assert isinstance(personal_data.REGISTRY[0], PersonalData)
