"""Media and private files on S3-compatible object storage (django-storages' S3 backend), so that several app
servers share them: any provider that speaks S3 (Scaleway, OVHcloud, Outscale, MinIO, AWS).

Two buckets:
- media (`S3_MEDIA_BUCKET`): the site's images and their renditions, which pages show to everyone. Served from the
  bucket's public address or a CDN (`S3_MEDIA_URL`), never through the app servers.
- private (`S3_PRIVATE_BUCKET`): supporting documents, photos, crèche files, generated PDFs. Nothing in it is
  public: objects are written with the «private» ACL and the bucket must refuse anonymous reads. The portal's views
  read them and serve them to their family only; a URL the storage would hand out is signed and short-lived
  (`S3_SIGNED_URL_SECONDS`, 60 by default).

The credentials come from the standard variables `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (boto3 reads them);
`S3_ENDPOINT_URL` names a provider other than AWS, `S3_REGION` its region."""

from collections.abc import Mapping

S3_BACKEND = "storages.backends.s3.S3Storage"


def object_storages(environ: Mapping[str, str]) -> dict:
    """The `STORAGES` entries for object storage from these variables, or none when `S3_MEDIA_BUCKET` and
    `S3_PRIVATE_BUCKET` are unset (files then stay on the local disk). One without the other is refused: media
    shared by every server and private files on one server's disk would lose files behind a load balancer."""
    media, private = environ.get("S3_MEDIA_BUCKET", ""), environ.get("S3_PRIVATE_BUCKET", "")
    if not media and not private:
        return {}
    if not (media and private):
        raise ValueError("S3_MEDIA_BUCKET et S3_PRIVATE_BUCKET se configurent ensemble (l'un manque).")
    if media == private:
        raise ValueError("S3_MEDIA_BUCKET et S3_PRIVATE_BUCKET doivent nommer deux buckets différents.")
    common = {
        "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
        "region_name": environ.get("S3_REGION") or None,
        # Two uploads of «attestation.pdf» keep two objects: the second gets a suffix, never the first's place.
        "file_overwrite": False,
        "addressing_style": environ.get("S3_ADDRESSING_STYLE") or None,
    }
    media_url = environ.get("S3_MEDIA_URL", "").rstrip("/")
    return {
        "default": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **common,
                "bucket_name": media,
                # Public images: their address carries no signature (pages and caches keep it).
                "querystring_auth": False,
                "default_acl": None,
                "custom_domain": media_url.split("://", 1)[-1] if media_url else None,
                "url_protocol": (media_url.split("://", 1)[0] + ":") if "://" in media_url else "https:",
            },
        },
        "private": {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **common,
                "bucket_name": private,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": int(environ.get("S3_SIGNED_URL_SECONDS", "60")),
            },
        },
    }
