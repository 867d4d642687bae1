"""`make scan`: the wapiti web scanner against the demo served on loopback, anonymous and as a signed-in parent.

Serves the demo with production-like settings (DEBUG off, gunicorn, collected static files) from a database of
its own in var/scan/, runs wapiti twice (anonymous, then with a parent's session cookie), writes the reports in
var/scan/ and prints what was found by severity. Exits 1 if a high-severity finding remains."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "scan"
PORT = int(os.environ.get("SCAN_PORT", "8799"))
BASE = f"http://127.0.0.1:{PORT}/"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
MAX_SECONDS = os.environ.get("SCAN_SECONDS", "300")
# Each attack module stops after this long (wapiti would otherwise try every parameter of every form).
ATTACK_SECONDS = os.environ.get("SCAN_ATTACK_SECONDS", "60")
# Where the scanner must not go: it would sign itself out, or send e-mails to the demo families.
EXCLUDED = ["/compte/logout/*", "/admin/*", "/compte/password/reset/*", "/compte/confirmation/renvoyer/*"]
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
    "DATABASE_URL": f"sqlite:///{OUT / 'scan.sqlite3'}",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECRET_KEY": "scan-only-not-a-secret",
    "STATIC_ROOT": str(OUT / "static"),
}


def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)


def parent_cookie() -> dict:
    """A signed-in session of the demo parent jean.durant@example.org, in wapiti's cookie format."""
    code = (
        "from django.contrib.sessions.backends.db import SessionStore;"
        "from django.contrib.auth import get_user_model, BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY;"
        "u = get_user_model().objects.get(email='jean.durant@example.org');"
        "s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    key = (
        subprocess.run(
            [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=ENV, check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    attributes = {"value": key, "version": 0, "secure": False, "expires": None, "port": None}
    return {"127.0.0.1": {"/": {"sessionid": attributes}}}


# Debian's wapiti 3.0.4 builds its exclusion patterns with a regular expression flag Python 3.11 refuses
# ("global flags not at the start"): run it with that one function corrected.
WAPITI = """
import re, sys
from wapitiCore.net import crawler
crawler.wildcard_translate = lambda pattern: re.compile(
    "(?ms)" + "".join(".*" if char == "*" else re.escape(char) for char in pattern) + r"\\Z"
)
from wapitiCore.main.wapiti import wapiti_main
sys.argv[0] = "wapiti"
wapiti_main()
"""


def wapiti(name: str, cookie: Path | None) -> dict:
    report = OUT / f"{name}.json"
    command = [
        "/usr/bin/python3",
        "-c",
        WAPITI,
        "-u",
        BASE,
        "--scope",
        "folder",
        "-f",
        "json",
        "-o",
        str(report),
        "--flush-session",
    ]
    command += [
        "--max-scan-time",
        MAX_SECONDS,
        "--max-attack-time",
        ATTACK_SECONDS,
        "-m",
        "common,http_headers,methods,redirect,csrf",
        "--no-bugreport",
    ]
    for pattern in EXCLUDED:
        command += ["-x", BASE.rstrip("/") + pattern]
    if cookie:
        command += ["-c", str(cookie), "-s", BASE + "espace-famille/", "-s", BASE + "mon-espace/"]
    subprocess.run(command, cwd=OUT, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads(report.read_text())


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scan.sqlite3").unlink(missing_ok=True)
    manage("migrate", "--noinput")
    manage("createcachetable")
    manage("collectstatic", "--noinput")
    manage("load_demo")
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "cms.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "2"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(BASE, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        cookie = OUT / "parent-cookie.json"
        cookie.write_text(json.dumps(parent_cookie()))
        started = time.monotonic()
        findings = {"anonyme": wapiti("anonyme", None), "parent": wapiti("parent", cookie)}
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    high = 0
    print(f"wapiti {BASE} — {elapsed:.0f} s, rapports dans {OUT.relative_to(ROOT)}/")
    for who, report in findings.items():
        for category, items in sorted(report.get("vulnerabilities", {}).items()) + sorted(
            report.get("anomalies", {}).items()
        ):
            for item in items:
                level = item.get("level", 0)
                high += level >= 3
                print(f"  [{who}] {category} (niveau {level}) {item.get('path', '')} {item.get('info', '')[:160]}")
        paths = {item.get("path") for items in report.get("vulnerabilities", {}).values() for item in items}
        # wapiti 3.0.4 does not report the pages it crawled: the addresses it found something on stand for them.
        print(f"  [{who}] {len(paths - {None})} adresses avec un constat")
    print(f"Constats de sévérité haute : {high}")
    return 1 if high else 0


if __name__ == "__main__":
    sys.exit(main())
