"""FranceConnect (OpenID Connect, platform v2) through Authlib: the authorization request, the checks of the
answer (state, signed id_token with its issuer, audience, expiry, nonce and eIDAS level; the userinfo answer, a
JWT signed with the provider's keys) and the end-session address.

Off unless FRANCECONNECT_CLIENT_ID is set. The provider's metadata and keys are read from its discovery document
(FRANCECONNECT_ISSUER + /.well-known/openid-configuration) and kept by the client."""

import logging
import secrets
from dataclasses import dataclass
from functools import lru_cache

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from requests import RequestException

from espace_famille.comptes import rules
from home.models import SiteIdentity

logger = logging.getLogger(__name__)

# The session keys: the identity waiting to be linked, and the id_token kept for the logout.
PENDING = "_franceconnect_pending"
ID_TOKEN = "_franceconnect_id_token"
NEXT = "_franceconnect_next"


class FranceConnectError(Exception):
    """The answer could not be trusted, or the person cancelled: nobody is signed in."""


@dataclass(frozen=True)
class Identity:
    sub: str
    given_name: str
    family_name: str
    email: str
    gender: str
    id_token: str

    @property
    def civility(self) -> str:
        return rules.civility_from_gender(self.gender)

    def as_session(self) -> dict:
        return self.__dict__.copy()


def enabled() -> bool:
    return bool(settings.FRANCECONNECT_CLIENT_ID)


@lru_cache(maxsize=4)
def _client(client_id: str, client_secret: str, issuer: str, scope: str):
    oauth = OAuth()
    return oauth.register(
        name="franceconnect",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={"scope": scope, "token_endpoint_auth_method": "client_secret_post", "timeout": 10},
    )


def client():
    return _client(
        settings.FRANCECONNECT_CLIENT_ID,
        settings.FRANCECONNECT_CLIENT_SECRET,
        settings.FRANCECONNECT_ISSUER,
        settings.FRANCECONNECT_SCOPE,
    )


def callback_url(request) -> str:
    return SiteIdentity.public_address(reverse("franceconnect_callback"), request=request)


def logout_return_url(request) -> str:
    return SiteIdentity.public_address(reverse("franceconnect_logout_return"), request=request)


def authorize_redirect(request):
    """The redirection to FranceConnect, in the same tab; state and nonce are kept in the session."""
    try:
        return client().authorize_redirect(
            request,
            callback_url(request),
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            acr_values=settings.FRANCECONNECT_ACR,
        )
    except (RequestException, OAuthError, ValueError, KeyError) as error:
        logger.warning("FranceConnect injoignable : %s", error)
        raise FranceConnectError("FranceConnect ne répond pas.") from error


def identity_from_callback(request) -> Identity:
    """Checks FranceConnect's answer to the authorization request and gives the person's identity.

    Authlib checks the state against the session, then the id_token: signature by a key of the provider's JWKS
    (with an algorithm the provider announces), issuer, audience, expiry, issue time and nonce. The eIDAS level
    and the userinfo JWT are checked here."""
    app = client()
    try:
        token = app.authorize_access_token(request)
        claims = token.get("userinfo")
        if not claims:
            raise FranceConnectError("Réponse sans id_token.")
        if not rules.eidas_level_enough(claims.get("acr"), wanted=settings.FRANCECONNECT_ACR):
            raise FranceConnectError(f"Niveau eIDAS insuffisant : {claims.get('acr')!r}.")
        info = _userinfo(app, token["access_token"], sub=claims["sub"])
    except FranceConnectError as error:
        logger.warning("Connexion FranceConnect refusée : %s", error)
        raise
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as error:
        logger.warning("Connexion FranceConnect refusée : %s", error)
        raise FranceConnectError(str(error)) from error
    return Identity(
        sub=claims["sub"],
        given_name=info.get("given_name", ""),
        family_name=info.get("family_name", ""),
        email=(info.get("email") or "").lower(),
        gender=info.get("gender", ""),
        id_token=token["id_token"],
    )


def _userinfo(app, access_token: str, *, sub: str) -> dict:
    """FranceConnect v2 answers userinfo with a JWT signed by its keys: its signature, issuer, audience and
    subject are checked before any claim is read."""
    metadata = app.load_server_metadata()
    response = app.get(metadata["userinfo_endpoint"], token={"access_token": access_token, "token_type": "Bearer"})
    response.raise_for_status()
    if not response.headers.get("Content-Type", "").startswith("application/jwt"):
        raise FranceConnectError("La réponse userinfo n'est pas un JWT signé.")
    algorithms = metadata.get("userinfo_signing_alg_values_supported") or metadata.get(
        "id_token_signing_alg_values_supported"
    )
    keys = KeySet.import_key_set(app.fetch_jwk_set())
    decoded = jwt.decode(response.text.strip(), keys, registry=JWSRegistry(algorithms=algorithms))
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": settings.FRANCECONNECT_CLIENT_ID},
        sub={"essential": True, "value": sub},
    ).validate(decoded.claims)
    return decoded.claims


def logout_url(request, id_token: str) -> str:
    """FranceConnect's end-session address, which ends the person's FranceConnect session then comes back."""
    return client().create_logout_url(
        post_logout_redirect_uri=logout_return_url(request), id_token_hint=id_token, state=secrets.token_urlsafe(32)
    )["url"]
