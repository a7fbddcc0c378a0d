"""Photos are checked by content, limited in size and stored under random names."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongjian.activities.models import ActivityPhoto

from .helpers import make_activity

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def upload(client, activity, name, content, caption="合影"):
    return client.post(reverse("activities:photo_upload", args=[activity.uuid]), {"image": SimpleUploadedFile(name, content), "caption": caption})


def test_it_accepts_png_and_jpeg_by_content_and_stores_them_under_random_names(world, client_for, settings):
    activity = make_activity(world.own_org)
    client = client_for(world.org_admin)
    upload(client, activity, "现场照片.png", PNG)
    upload(client, activity, "IMG_0001.JPG", JPEG)
    photos = list(activity.photos.order_by("pk"))
    assert [p.content_type for p in photos] == ["image/png", "image/jpeg"]
    names = [p.image.name for p in photos]
    assert names[0].endswith(".png") and names[1].endswith(".jpg")
    assert "现场照片" not in names[0] and "IMG_0001" not in names[1]
    assert len(names[0].rsplit("/", 1)[1]) == 32 + 4
    # Outside MEDIA_ROOT: only the access-checked view serves them.
    assert photos[0].image.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))


def test_it_refuses_a_script_named_like_a_photo(world, client_for):
    activity = make_activity(world.own_org)
    upload(client_for(world.org_admin), activity, "photo.jpg", b"<script>alert(1)</script>")
    assert not activity.photos.exists()


def test_it_refuses_a_pdf_as_a_photo(world, client_for):
    activity = make_activity(world.own_org)
    upload(client_for(world.org_admin), activity, "photo.png", b"%PDF-1.7\n" + b"0" * 50)
    assert not activity.photos.exists()


def test_it_refuses_a_photo_over_the_size_limit(world, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 100
    activity = make_activity(world.own_org)
    upload(client_for(world.org_admin), activity, "big.png", PNG + b"\x00" * 200)
    assert not activity.photos.exists()


def test_it_lets_only_organizers_upload(world, client_for):
    activity = make_activity(world.own_org)
    assert upload(client_for(world.member), activity, "a.png", PNG).status_code == 403
    assert upload(client_for(world.outsider), activity, "a.png", PNG).status_code == 404
    assert not activity.photos.exists()


def test_it_serves_a_photo_only_to_those_who_see_the_activity(world, client_for):
    activity = make_activity(world.own_org)
    upload(client_for(world.org_admin), activity, "a.png", PNG)
    photo = activity.photos.get()
    url = reverse("activities:photo", args=[photo.uuid])
    response = client_for(world.member).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert client_for(world.outsider).get(url).status_code == 404


def test_it_validates_uploads_through_the_api_too(world, api_for):
    activity = make_activity(world.own_org)
    url = f"/api/v1/activities/{activity.uuid}/photos/"
    api = api_for(world.org_admin)
    bad = api.post(url, {"image": io.BytesIO(b"GIF89a......"), "caption": "x"}, format="multipart")
    assert bad.status_code == 400
    good = api.post(url, {"image": SimpleUploadedFile("x.png", PNG), "caption": "合影"}, format="multipart")
    assert good.status_code == 201, good.content
    assert good.json()["content_type"] == "image/png"
    assert ActivityPhoto.objects.filter(activity=activity).count() == 1
    assert api_for(world.member).post(url, {"image": SimpleUploadedFile("x.png", PNG)}, format="multipart").status_code == 403
