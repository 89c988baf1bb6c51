#!/usr/bin/env python3
"""A small OAuth2 provider for tests and local tries: token endpoint (refresh_token,
authorization_code with PKCE, device_code grants), device authorization, an authorize page that
redirects at once, and token introspection for Dovecot's oauth2 passdb. Not for production: it
keeps everything in memory and trusts anyone on loopback.

    oauth-test-server.py [--port N] [--expires-in S] [--lifetime S] [--rotate] [--client-secret S]
                         [--refresh-token TOKEN=USER ...]

Prints "listening 127.0.0.1:PORT" on stdout once it accepts connections.

Test controls (POST, form fields):
  /admin/revoke-access    every access token issued so far stops working
  /admin/revoke-refresh   token=T: that refresh token is refused from now on (invalid_grant)
  /admin/approve-device   user=U: pending device codes are approved for U
  /admin/stats            (GET) counts of requests by grant type, as JSON
"""
import argparse, base64, hashlib, json, secrets, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {
    "access": {},        # access token -> (user, expires at)
    "refresh": {},       # refresh token -> user
    "codes": {},         # authorization code -> (user, code_challenge, redirect_uri)
    "devices": {},       # device code -> user or None while pending
    "stats": {},
}


def count(name):
    state["stats"][name] = state["stats"].get(name, 0) + 1


class Handler(BaseHTTPRequestHandler):
    server_version = "oauth-test-server"

    def log_message(self, fmt, *args):
        sys.stderr.write("oauth-test-server: " + (fmt % args) + "\n")

    def reply(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def form(self):
        length = int(self.headers.get("Content-Length") or 0)
        fields = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        return {key: values[0] for key, values in fields.items()}

    def client_ok(self, form):
        # Like Google: a confidential client must send its secret; like Microsoft's public
        # clients, none is needed when the server was started without one.
        if form.get("client_id") != options.client_id:
            return False
        return options.client_secret is None or form.get("client_secret") == options.client_secret

    def issue(self, user, old_refresh=None):
        access = "at-" + secrets.token_urlsafe(16)
        state["access"][access] = (user, time.time() + (options.lifetime or options.expires_in))
        body = {"access_token": access, "token_type": "Bearer", "expires_in": options.expires_in}
        if old_refresh is None or options.rotate:
            refresh = "rt-" + secrets.token_urlsafe(16)
            state["refresh"][refresh] = user
            if old_refresh is not None:
                # Rotation: the used token is spent, as a strict provider would have it.
                state["refresh"].pop(old_refresh, None)
            body["refresh_token"] = refresh
        return body

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = {key: values[0] for key, values in urllib.parse.parse_qs(url.query).items()}
        if url.path == "/admin/stats":
            with lock:
                return self.reply(200, state["stats"])
        if url.path == "/authorize":
            # The "user" signs in and consents at once; the browser is sent to the redirect URI.
            if query.get("client_id") != options.client_id or query.get("code_challenge_method") != "S256":
                return self.reply(400, {"error": "invalid_request"})
            code = "code-" + secrets.token_urlsafe(12)
            with lock:
                state["codes"][code] = (query.get("login_hint", "support@example.test"), query["code_challenge"], query["redirect_uri"])
            target = query["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.reply(404, {"error": "not_found"})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        form = self.form()
        with lock:
            if path == "/token":
                return self.token(form)
            if path == "/devicecode":
                count("device_authorization")
                if form.get("client_id") != options.client_id:
                    return self.reply(400, {"error": "invalid_client"})
                device = "dc-" + secrets.token_urlsafe(12)
                state["devices"][device] = None
                return self.reply(200, {"device_code": device, "user_code": "WDJB-MJHT", "expires_in": 900, "interval": 1,
                                        "verification_uri": f"http://127.0.0.1:{self.server.server_port}/device"})
            if path == "/introspect":
                count("introspection")
                entry = state["access"].get(form.get("token", ""))
                if entry is None or entry[1] < time.time():
                    return self.reply(200, {"active": False})
                return self.reply(200, {"active": True, "username": entry[0]})
            if path == "/admin/revoke-access":
                state["access"].clear()
                return self.reply(200, {})
            if path == "/admin/revoke-refresh":
                state["refresh"].pop(form.get("token", ""), None)
                return self.reply(200, {})
            if path == "/admin/approve-device":
                for device in state["devices"]:
                    state["devices"][device] = form["user"]
                return self.reply(200, {})
        self.reply(404, {"error": "not_found"})

    def token(self, form):
        grant = form.get("grant_type", "")
        count(grant)
        if not self.client_ok(form):
            return self.reply(401, {"error": "invalid_client", "error_description": "unknown client or wrong secret"})
        if grant == "refresh_token":
            token = form.get("refresh_token", "")
            user = state["refresh"].get(token)
            if user is None:
                return self.reply(400, {"error": "invalid_grant", "error_description": "The refresh token has been revoked."})
            return self.reply(200, self.issue(user, old_refresh=token))
        if grant == "authorization_code":
            entry = state["codes"].pop(form.get("code", ""), None)
            if entry is None:
                return self.reply(400, {"error": "invalid_grant", "error_description": "unknown or used code"})
            user, challenge, redirect = entry
            verifier = form.get("code_verifier", "")
            computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if computed != challenge or form.get("redirect_uri") != redirect:
                return self.reply(400, {"error": "invalid_grant", "error_description": "PKCE or redirect_uri mismatch"})
            return self.reply(200, self.issue(user))
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            device = form.get("device_code", "")
            if device not in state["devices"]:
                return self.reply(400, {"error": "expired_token"})
            user = state["devices"][device]
            if user is None:
                return self.reply(400, {"error": "authorization_pending"})
            del state["devices"][device]
            return self.reply(200, self.issue(user))
        self.reply(400, {"error": "unsupported_grant_type"})


parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--expires-in", type=int, default=3600)
parser.add_argument("--lifetime", type=int, help="seconds an access token really works (default: --expires-in), "
                    "for a provider whose tokens lapse before the time it announced")
parser.add_argument("--rotate", action="store_true", help="issue a new refresh token on every refresh and spend the old one")
parser.add_argument("--client-id", default="mailgate-test")
parser.add_argument("--client-secret")
parser.add_argument("--refresh-token", action="append", default=[], metavar="TOKEN=USER", help="a refresh token known from the start")
options = parser.parse_args()
for pair in options.refresh_token:
    token, user = pair.split("=", 1)
    state["refresh"][token] = user

server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
server.daemon_threads = True
print(f"listening 127.0.0.1:{server.server_port}", flush=True)
server.serve_forever()
