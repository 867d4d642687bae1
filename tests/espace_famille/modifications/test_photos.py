"""«Modifier la photo»: applied at once, checked by content, re-encoded without metadata, served only to the family."""

import io
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from espace_famille.comptes.permissions import ensure_staff_groups
from espace_famille.dossier.models import Child, Subscription
from tests.commun import hostile
from tests.factories import ChildFactory, FamilyFactory, UserFactory
from tests.intents import submit

pytestmark = pytest.mark.django_db


def image_file(fmt="PNG", size=(1600, 1200), exif=True, name="photo.png") -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Appareil du parent"  # Make
        data[0x0112] = 6  # Orientation: rotated, to be applied before the metadata goes
        kwargs["exif"] = data.tobytes()
    image.save(out, fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def child(site):
    return ChildFactory(family=FamilyFactory(name="DURANT"))


@pytest.fixture
def parent(client, child):
    user = UserFactory()
    Subscription.objects.create(user=user, family=child.family, method="code")
    client.force_login(user)
    return user


def test_a_photo_is_stored_as_a_small_jpeg_without_metadata(client, parent, child):
    url = reverse("espace_famille:photo_edit", args=["enfant", child.pk])
    response = submit(client, url, {"photo": image_file(fmt="JPEG", name="IMG_0001.jpg")}, follow=True)
    assert "La photo de Léa DURANT a été modifiée." in response.content.decode()
    child.refresh_from_db()
    with child.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (600, 800)  # EXIF orientation applied, then at most 800 px a side
        assert not image.getexif()
    assert "IMG_0001" not in child.photo.name


def test_a_file_that_is_not_an_image_is_refused_beside_the_field(client, parent, child):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = submit(client, reverse("espace_famille:photo_edit", args=["enfant", child.pk]), {"photo": fake})
    assert response.status_code == 400
    assert "Ce fichier n'est pas une image JPEG ou PNG" in unescape(response.content.decode())
    assert 'aria-describedby="id_photo_error"' in response.content.decode()
    child.refresh_from_db()
    assert not child.photo


def test_a_gif_is_refused_even_when_named_jpg(client, parent, child):
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    response = submit(
        client,
        reverse("espace_famille:photo_edit", args=["enfant", child.pk]),
        {"photo": SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")},
    )
    assert response.status_code == 400
    assert "Ce fichier n'est pas une image JPEG ou PNG" in unescape(response.content.decode())


def stored_photos(family) -> list[str]:
    storage, folder = Child.photo.field.storage, f"photos/{family.pk}"
    return storage.listdir(folder)[1] if storage.exists(folder) else []


def test_a_40_megapixel_png_is_refused_beside_the_field_before_it_is_decoded(client, parent, child, monkeypatch):
    from PIL import ImageFile

    def no_decoding(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    photo = SimpleUploadedFile("photo.png", hostile.big_png(), content_type="image/png")
    before = stored_photos(child.family)
    response = submit(client, reverse("espace_famille:photo_edit", args=["enfant", child.pk]), {"photo": photo})
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "L'image est trop grande (25 millions de pixels au plus)" in page and 'id="id_photo_error"' in page
    child.refresh_from_db()
    assert not child.photo and stored_photos(child.family) == before


def test_a_photo_keeps_no_comment_no_gps_position_no_camera(client, parent, child):
    photo = SimpleUploadedFile("IMG_0001.jpg", hostile.jpeg_with_secrets(), content_type="image/jpeg")
    assert (
        submit(client, reverse("espace_famille:photo_edit", args=["enfant", child.pk]), {"photo": photo}).status_code
        == 302
    )
    child.refresh_from_db()
    with child.photo.open("rb") as stored:
        hostile.assert_bare(stored.read())


def test_the_photo_is_served_to_the_family_and_to_instructors_only(client, parent, child):
    submit(client, reverse("espace_famille:photo_edit", args=["enfant", child.pk]), {"photo": image_file()})
    url = reverse("espace_famille:photo", args=["enfant", child.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404

    ensure_staff_groups()
    instructor = UserFactory(is_staff=True)
    instructor.groups.add(Group.objects.get(name="Instructeurs"))
    client.force_login(instructor)
    assert client.get(url).status_code == 200

    client.logout()
    assert client.get(url).status_code == 302
