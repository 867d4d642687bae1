"""An OpenID Connect provider shaped like FranceConnect v2, served over HTTP on loopback for the tests.

It publishes its discovery document and JWKS, answers the authorization request by sending the browser back with
a code (the person is taken as already signed in at FranceConnect), gives an id_token signed with ES256 at the
token endpoint (client_secret_post), a userinfo answer that is itself a signed JWT, and ends sessions at its
end-session endpoint. `tamper` makes it answer wrongly on purpose, one way at a time, for the checks to refuse."""

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

from joserfc import jwt
from joserfc.jwk import ECKey, KeySet

CLIENT_ID = "portail-famille-test"
CLIENT_SECRET = "secret-de-test-0123456789"
PERSON = {
    "sub": "b6048e95bb134ec5b1d1e1fa69f287172e91722b9354d637a1bcf2ebb0fd2ef5v1",
    "given_name": "Angela Claire Louise",
    "family_name": "DUBOIS",
    "gender": "female",
    "email": "angela.dubois@example.org",
    "birthdate": "1962-08-24",
}


class Provider:
    def __init__(self):
        self.key = ECKey.generate_key("P-256", parameters={"kid": "fc-test-1", "use": "sig", "alg": "ES256"})
        self.other_key = ECKey.generate_key("P-256", parameters={"kid": "fc-test-1", "use": "sig", "alg": "ES256"})
        self.person = dict(PERSON)
        self.tamper = None
        self.error = None
        self.codes = {}
        self.tokens = {}
        self.authorize_requests = []
        self.logouts = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_port}/api/v2"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # What the provider publishes -------------------------------------------------------------------

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "userinfo_signing_alg_values_supported": ["ES256", "RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "acr_values_supported": ["eidas1"],
        }

    def jwks(self) -> dict:
        return KeySet([self.key]).as_dict(private=False)

    def _sign(self, claims: dict, *, part: str) -> str:
        """Signs with the provider's key, unless `tamper` asks for this part ("id_token" or "userinfo") to be
        signed by a stranger's key under the same kid, or to have its signature altered."""
        key = self.other_key if self.tamper == f"{part}_foreign_key" else self.key
        token = jwt.encode({"alg": "ES256", "kid": key.kid, "typ": "JWT"}, claims, key)
        if self.tamper == f"{part}_signature":
            head, body, signature = token.split(".")
            token = ".".join([head, body, ("A" if signature[0] != "A" else "B") + signature[1:]])
        return token

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": self.person["sub"],
            "aud": CLIENT_ID,
            "exp": now + 60,
            "iat": now,
            "nonce": nonce,
            "acr": "eidas1",
            "amr": ["pwd"],
            "auth_time": now,
        }
        if self.tamper == "issuer":
            claims["iss"] = "https://faux-franceconnect.example"
        if self.tamper == "audience":
            claims["aud"] = "un-autre-service"
        if self.tamper == "expired":
            claims["exp"], claims["iat"] = now - 3600, now - 7200
        if self.tamper == "nonce":
            claims["nonce"] = secrets.token_urlsafe(32)
        if self.tamper == "acr":
            claims["acr"] = "faible"
        return self._sign(claims, part="id_token")

    def userinfo(self) -> str:
        claims = {"iss": self.issuer, "aud": CLIENT_ID, **self.person, "iat": int(time.time())}
        if self.tamper == "userinfo_sub":
            claims["sub"] = "quelquun-dautre"
        if self.tamper == "userinfo_issuer":
            claims["iss"] = "https://faux-franceconnect.example"
        return self._sign(claims, part="userinfo")

    # The HTTP side ---------------------------------------------------------------------------------

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body=b"", content_type="application/json", headers=None):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self, status, data):
                self._send(status, json.dumps(data).encode())

            def do_GET(self):
                url = urlparse(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                path = url.path.removeprefix("/api/v2")
                if path == "/.well-known/openid-configuration":
                    return self._json(200, provider.metadata())
                if path == "/jwks":
                    return self._json(200, provider.jwks())
                if path == "/authorize":
                    return self._authorize(query)
                if path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json(401, {"error": "invalid_token"})
                    return self._send(200, provider.userinfo().encode(), content_type="application/jwt")
                if path == "/session/end":
                    provider.logouts.append(query)
                    target = query["post_logout_redirect_uri"] + "?" + urlencode({"state": query.get("state", "")})
                    return self._send(302, headers={"Location": target})
                return self._json(404, {"error": "not_found"})

            def _authorize(self, query):
                provider.authorize_requests.append(query)
                if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                    return self._json(400, {"error": "invalid_request"})
                back = query["redirect_uri"]
                if provider.error:
                    answer = {"error": provider.error, "state": query.get("state", "")}
                else:
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {"nonce": query.get("nonce", ""), "redirect_uri": back}
                    answer = {"code": code, "state": query["state"]}
                    if provider.tamper == "state":
                        answer["state"] = secrets.token_urlsafe(32)
                return self._send(302, headers={"Location": back + "?" + urlencode(answer)})

            def do_POST(self):
                if urlparse(self.path).path.removeprefix("/api/v2") != "/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length", 0))
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                    return self._json(401, {"error": "invalid_client"})
                if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
                    return self._json(400, {"error": "invalid_grant"})
                access_token = secrets.token_urlsafe(24)
                provider.tokens[access_token] = True
                return self._json(
                    200,
                    {
                        "access_token": access_token,
                        "token_type": "Bearer",
                        "expires_in": 60,
                        "scope": "openid given_name family_name gender email",
                        "id_token": provider.id_token(grant["nonce"]),
                    },
                )

        return Handler
