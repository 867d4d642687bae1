"""Root URLs: the portal's apps, accounts, the Wagtail admin, then the CMS page tree."""

from django.conf import settings
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import staff_auth
from cms.staff_auth import StaffLoginView
from espace_famille.comptes.views import account as famille_views
from espace_famille.comptes.views import franceconnect as franceconnect_views
from home import pwa


class FaviconView(RedirectView):
    """Browsers and feed readers ask for /favicon.ico whatever the page says: the portal's icon."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static_url("img/favicon.svg")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
    path("hors-ligne/", pwa.offline, name="pwa_offline"),
    # Before the admin's own login: staff sign in through allauth (rate limits, second factor).
    path("admin/login/", StaffLoginView.as_view(), name="staff_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("compte/confirmation/renvoyer/", famille_views.resend_confirmation, name="resend_confirmation"),
    path("compte/debloquer/<str:token>/", famille_views.unlock, name="account_unlock"),
    path("compte/double-authentification/", staff_auth.enrolment, name="staff_enrolment"),
    path("compte/double-authentification/<str:token>/", staff_auth.enrolment_confirm, name="staff_enrolment_confirm"),
    path("compte/franceconnect/connexion/", franceconnect_views.start, name="franceconnect_login"),
    path("compte/franceconnect/retour/", franceconnect_views.callback, name="franceconnect_callback"),
    path("compte/franceconnect/premiere-connexion/", franceconnect_views.link, name="franceconnect_link"),
    path("compte/franceconnect/delier/", franceconnect_views.unlink, name="franceconnect_unlink"),
    path("compte/franceconnect/deconnecte/", franceconnect_views.logout_return, name="franceconnect_logout_return"),
    path("compte/", include("allauth.urls")),
    path("altcha/", include("altcha_django.urls")),
    path("", include("espace_famille.urls")),
    path("", include("espace_facturation.urls")),
    path("", include("espace_famille.justificatifs.urls")),
    path("", include("espace_famille.creche.urls")),
    path("", include("espace_famille.messagerie.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

# 404 and 403 are Django's views drawing 404.html and 403.html; these need more (home/errors.py).
handler400 = "home.errors.bad_request"
handler500 = "home.errors.server_error"
