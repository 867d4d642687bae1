"""Root URLs: the portal's apps, accounts, the Wagtail admin, then the CMS page tree."""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from espace_famille.views import account as famille_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("compte/confirmation/renvoyer/", famille_views.resend_confirmation, name="resend_confirmation"),
    path("compte/", include("allauth.urls")),
    path("altcha/", include("altcha_django.urls")),
    path("", include("espace_famille.urls")),
    path("", include("espace_facturation.urls")),
    path("", include("justificatifs.urls")),
    path("", include("creche.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
