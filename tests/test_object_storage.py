"""Media and private files on S3-compatible object storage (cms/object_storage.py), against moto's S3 server: a
supporting document lands in the private bucket, private to the bucket's owner, and the portal serves it to its
family only; the site's images go to the public media bucket with unsigned addresses."""

import pytest
import requests
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.db import models
from django.urls import reverse

from cms.object_storage import object_storages
from cms.settings.test import free_port
from espace_famille.dossier.models import Subscription
from espace_famille.justificatifs import services
from tests.espace_famille.justificatifs.test_documents import insurance, pdf_bytes, upload  # noqa: F401
from tests.factories import ChildFactory, FamilyFactory, GuardianFactory, UserFactory
from tests.object_storage import s3_client, s3_server

pytestmark = pytest.mark.django_db
BUCKETS = ("essai-media", "essai-prive")


def test_object_storage_is_configured_by_two_buckets_or_not_at_all():
    assert object_storages({}) == {}
    for half in ({"S3_MEDIA_BUCKET": "media"}, {"S3_PRIVATE_BUCKET": "prive"}):
        with pytest.raises(ValueError, match="se configurent ensemble"):
            object_storages(half)
    with pytest.raises(ValueError, match="deux buckets différents"):
        object_storages({"S3_MEDIA_BUCKET": "fichiers", "S3_PRIVATE_BUCKET": "fichiers"})

    storages_ = object_storages(
        {"S3_MEDIA_BUCKET": "media", "S3_PRIVATE_BUCKET": "prive", "S3_MEDIA_URL": "https://cdn.example.org/media"}
    )
    media, private = storages_["default"]["OPTIONS"], storages_["private"]["OPTIONS"]
    assert (media["bucket_name"], media["querystring_auth"], media["custom_domain"]) == (
        "media",
        False,
        "cdn.example.org/media",
    )
    assert (private["bucket_name"], private["default_acl"], private["querystring_auth"]) == ("prive", "private", True)
    assert private["querystring_expire"] == 60 and not private["file_overwrite"]


@pytest.fixture
def s3(settings, monkeypatch):
    endpoint = f"http://127.0.0.1:{free_port()}"
    server = s3_server(endpoint, BUCKETS)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    private_fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and field.storage is storages["private"]
    ]
    settings.STORAGES = {
        **settings.STORAGES,
        **object_storages(
            {
                "S3_MEDIA_BUCKET": BUCKETS[0],
                "S3_PRIVATE_BUCKET": BUCKETS[1],
                "S3_ENDPOINT_URL": endpoint,
                "S3_REGION": "eu-west-3",
                "S3_ADDRESSING_STYLE": "path",
            }
        ),
    }
    # The private file fields hold the storage they were declared with: they take the new one, as at start-up.
    for field in private_fields:
        monkeypatch.setattr(field, "storage", storages["private"])
    yield s3_client(endpoint)
    server.stop()


def keys(s3, bucket):
    return [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_a_supporting_document_is_kept_private_on_object_storage_and_served_to_its_family_only(
    s3,
    client,
    site,
    insurance,  # noqa: F811
):
    family = FamilyFactory(name="DURANT")
    GuardianFactory(family=family)
    leo = ChildFactory(family=family, first_name="Léo")
    parent = UserFactory()
    Subscription.objects.create(user=parent, family=family, method="code")
    document = services.document_upload(
        family=family, document_type=insurance, child=leo, upload=upload("attestation.pdf", pdf_bytes()), by=parent
    )

    assert document.file.name in keys(s3, BUCKETS[1])
    assert document.file.name not in keys(s3, BUCKETS[0])
    grants = s3.get_object_acl(Bucket=BUCKETS[1], Key=document.file.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's, nobody else's
    signed = storages["private"].url(document.file.name)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=60" in signed
    assert requests.get(signed, timeout=5).content.startswith(b"%PDF")

    client.force_login(parent)
    response = client.get(reverse("justificatifs:file", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    stranger = UserFactory()
    Subscription.objects.create(user=stranger, family=FamilyFactory(), method="code")
    client.force_login(stranger)
    assert client.get(reverse("justificatifs:file", args=[document.pk])).status_code == 404


def test_the_sites_images_go_to_the_public_media_bucket_with_plain_addresses(s3):
    name = default_storage.save("images/blason.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    assert name in keys(s3, BUCKETS[0]) and name not in keys(s3, BUCKETS[1])
    assert "X-Amz-Signature" not in default_storage.url(name)
    # Two files of one name keep two objects.
    assert default_storage.save("images/blason.png", ContentFile(b"\x89PNG")) != name
