"""`make rush`: the rush hour on this machine. A thousand parents log in during the two minutes before the opening,
then all book the same summer-camp week (50 seats, waiting list) in the minute after it, while 200 others browse.

1. a fresh PostgreSQL database (RUSH_DB, «rush»), migrated, and Redis database RUSH_REDIS emptied;
2. the camp week and the families (bench/rush_data.py);
3. two gunicorn app servers on two loopback ports (production settings, bench/rush_settings.py: DEBUG off,
   PostgreSQL, Redis cache and sessions) and the task cluster (qcluster);
4. locust, headless, its users spread over both servers (bench/rush_locust.py);
5. the checks, read from the database and from every request's record: booking p95 ≤ 1 s, no 5xx, capacity never
   exceeded, every parent's request recorded once (booked or waiting list), the waiting list in arrival order;
   «OK» / «ÉCHEC» for each, exit code 1 on a miss;
6. a PNG chart of latency (p50 / p95) and throughput over time, var/rush/rush.png.
Everything started is stopped at the end, failure or not.

Time-scaled for development: RUSH_PARENTS=100 RUSH_BROWSERS=20 RUSH_LOGIN_SECONDS=20 RUSH_BOOK_SECONDS=10.
Servers: RUSH_WORKERS processes × RUSH_THREADS threads each (gthread)."""

import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import free_port, percentile, step  # noqa: E402 (the repository on the path first)
from bench.rush_chart import draw  # noqa: E402
from bench.rush_data import PASSWORD  # noqa: E402

OUT = ROOT / "var" / "rush"
PARENTS = int(os.environ.get("RUSH_PARENTS", "1000"))
BROWSERS = int(os.environ.get("RUSH_BROWSERS", "200"))
LOGIN_SECONDS = int(os.environ.get("RUSH_LOGIN_SECONDS", "120"))
BOOK_SECONDS = int(os.environ.get("RUSH_BOOK_SECONDS", "60"))
# When the parents click in the window (bench/rush_locust.py): «even» over it, or «front», most in its first seconds.
SHAPE = os.environ.get("RUSH_SHAPE", "even")
TAIL_SECONDS = int(os.environ.get("RUSH_TAIL_SECONDS", "20"))
# Processes of one thread each by default: a thread that holds the activity's lock while its neighbours render
# pages waits for the GIL after each of its queries, and every booking waits for it.
WORKERS = int(os.environ.get("RUSH_WORKERS", "4"))
THREADS = int(os.environ.get("RUSH_THREADS", "1"))
DB = os.environ.get("RUSH_DB", "rush")
PG = os.environ.get("RUSH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("RUSH_REDIS", "redis://127.0.0.1:6379/5")
HOST = "127.0.0.1"
BOOKING = "réservation (envoi)"
P95_GOAL_MS = 1000


class RushError(Exception):
    pass


def django_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.rush_settings",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALTCHA_HMAC_SECRET": secrets.token_urlsafe(20),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": REDIS,
        "EMAIL_URL": f"file://{OUT / 'mail'}",
        "SECURE_SSL_REDIRECT": "0",
        # Behind one proxy: each parent's own address (X-Forwarded-For), for the login throttle per address.
        "TRUSTED_PROXY_COUNT": "1",
        "VAR_DIR": str(OUT / "var"),
        "STATIC_ROOT": str(OUT / "static"),
    }


def manage(env: dict, *args: str, timeout: int = 900) -> str:
    proc = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if proc.returncode:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise RushError(f"manage.py {args[0]} a échoué (code {proc.returncode}) :\n{tail}")
    return proc.stdout


def fresh_stores() -> None:
    import psycopg
    import redis

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    redis.Redis.from_url(REDIS).flushdb()


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the process group this script started (gunicorn's master and workers, qcluster's)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def wait_up(proc: subprocess.Popen, port: int, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RushError(f"gunicorn s'est arrêté (code {proc.returncode}) :\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/compte/login/", timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            time.sleep(0.3)
    raise RushError(f"gunicorn ne répond pas sur {port} après {timeout:.0f} s")


# The figures, from every request's record (pure: tests/test_rush.py) ---------------------------------------------


def read_requests(path: Path) -> list[tuple[float, str, float, int]]:
    with open(path, newline="") as source:
        return [(float(r["t"]), r["name"], float(r["ms"]), int(r["status"])) for r in csv.DictReader(source)]


def figures(rows, *, booking: str = BOOKING) -> dict:
    """Per name: count, p50, p95, p99 (ms), errors (status 0 or ≥ 400); and the 5xx of all."""
    names = {}
    for _t, name, ms, status in rows:
        names.setdefault(name, []).append((ms, status))
    per_name = {}
    for name, entries in sorted(names.items()):
        ordered = sorted(ms for ms, _ in entries)
        per_name[name] = {
            "n": len(entries),
            "p50": percentile(ordered, 50),
            "p95": percentile(ordered, 95),
            "p99": percentile(ordered, 99),
            "errors": sum(1 for _, status in entries if status == 0 or status >= 400),
        }
    seconds = max((t for t, *_ in rows), default=0) or 1
    return {
        "names": per_name,
        "booking": per_name.get(booking, {"n": 0, "p50": 0, "p95": float("inf"), "p99": 0, "errors": 0}),
        "server_errors": sum(1 for *_, status in rows if status >= 500),
        "requests": len(rows),
        "rps": len(rows) / seconds,
    }


def server_times(lines, *, method: str, path: str) -> list[float]:
    """The durations (ms) the app servers logged (cms request log, one JSON object a line) for one form's POST:
    the time spent inside Django, without the wait for a free worker that the client's figure includes."""
    times = []
    for line in lines:
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("method") == method and entry.get("path", "").split("?")[0] == path:
            times.append(float(entry["duration_ms"]))
    return sorted(times)


def verdict(ok: bool) -> str:
    return "OK" if ok else "ÉCHEC"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUT.glob("*.csv"), *OUT.glob("*.log")]:
        old.unlink()
    env = django_env()
    started = []
    # SIGTERM like Ctrl+C: through the cleanup below; a second signal during it is ignored.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        step(f"base PostgreSQL « {DB} » neuve, Redis {REDIS} vidé, migrate et collectstatic")
        fresh_stores()
        static = subprocess.Popen([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env)
        started.append(static)
        manage(env, "migrate", "--noinput", "-v0")
        if static.wait(timeout=600):
            raise RushError("manage.py collectstatic a échoué")
        step(f"séjour d'été de 50 places, {PARENTS} familles qui réservent, {BROWSERS} qui consultent")
        setup = f"from bench.rush_data import setup; setup({PARENTS}, {BROWSERS})"
        info = json.loads(manage(env, "shell", "-c", setup).strip().splitlines()[-1])
        ports = [free_port(), free_port()]
        step(f"2 serveurs gunicorn ({WORKERS} processus × {THREADS} fils) sur {ports}, et qcluster")
        for index, port in enumerate(ports):
            command = [
                sys.executable, "-m", "gunicorn", "cms.wsgi", "--bind", f"{HOST}:{port}",
                "--workers", str(WORKERS), "--threads", str(THREADS),
                "--worker-class", "gthread" if THREADS > 1 else "sync",
                "--access-logfile", str(OUT / f"access-{index + 1}.log"),
            ]  # fmt: skip
            started.append(start(command, env, OUT / f"gunicorn-{index + 1}.log"))
        started.append(start([sys.executable, "manage.py", "qcluster"], env, OUT / "qcluster.log"))
        for proc, port, index in zip(started[1:3], ports, (1, 2), strict=True):
            wait_up(proc, port, OUT / f"gunicorn-{index}.log")
        # An upper bound: locust stops RUSH_TAIL_SECONDS after the last booking parent has its answer.
        run_time = LOGIN_SECONDS + BOOK_SECONDS + TAIL_SECONDS + 600
        users = PARENTS + BROWSERS
        step(
            f"locust : {users} utilisateurs, ouverture à +{LOGIN_SECONDS} s, réservations pendant {BOOK_SECONDS} s "
            + ("(la plupart dans les premières secondes)" if SHAPE == "front" else "(réparties sur la fenêtre)")
        )
        locust_env = {
            **os.environ,
            "RUSH_HOSTS": ",".join(f"http://{HOST}:{port}" for port in ports),
            "RUSH_PARENTS": str(PARENTS),
            "RUSH_BROWSERS": str(BROWSERS),
            "RUSH_LOGIN_SECONDS": str(LOGIN_SECONDS),
            "RUSH_BOOK_SECONDS": str(BOOK_SECONDS),
            "RUSH_SHAPE": SHAPE,
            "RUSH_TAIL_SECONDS": str(TAIL_SECONDS),
            "RUSH_ACTIVITY": str(info["activity"]),
            "RUSH_START": info["start"],
            "RUSH_END": info["end"],
            "RUSH_PASSWORD": PASSWORD,
            "RUSH_REQUESTS_CSV": str(OUT / "requests.csv"),
        }
        locust = [
            str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "rush_locust.py"),
            "--headless", "-u", str(users), "-r", str(users), "--run-time", f"{run_time}s",
            "--csv", str(OUT / "locust"), "--csv-full-history", "--only-summary", "--stop-timeout", "5",
        ]  # fmt: skip
        with open(OUT / "locust.log", "wb") as log:
            subprocess.run(
                locust, cwd=ROOT, env=locust_env, stdout=log, stderr=subprocess.STDOUT, timeout=run_time + 120
            )
        step("contrôles")
        rows = read_requests(OUT / "requests.csv")
        seen = figures(rows)
        answer = json.loads(manage(env, "shell", "-c", f"from bench.rush_data import report; report({PARENTS})")
                            .strip().splitlines()[-1])  # fmt: skip
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for proc in reversed(started):
            stop(proc)
    booking = seen["booking"]
    print()
    print(f"{'requête':<28}{'nombre':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'erreurs':>9}")
    for name, f in seen["names"].items():
        print(f"{name:<28}{f['n']:>8}{f['p50']:>9.0f}{f['p95']:>9.0f}{f['p99']:>9.0f}{f['errors']:>9}")
    print(
        f"{seen['requests']} requêtes en tout, {seen['rps']:.1f} req/s en moyenne ; "
        f"{answer['figures']['booked']} réservés et {answer['figures']['waiting']} en liste d'attente (premier jour)"
    )
    logs = [
        line for index in (1, 2) for line in (OUT / f"gunicorn-{index}.log").read_text(errors="replace").splitlines()
    ]
    for label, path in (
        ("réservation", "/espace-famille/planning/demande/reservations/"),
        ("connexion", "/compte/login/"),
    ):
        inside = server_times(logs, method="POST", path=path)
        if inside:
            print(
                f"temps dans Django, {label} (envoi) : p50 {percentile(inside, 50):.0f} ms, "
                f"p95 {percentile(inside, 95):.0f} ms ({len(inside)} requêtes)"
            )
    checks = [
        (f"réservation p95 ≤ {P95_GOAL_MS} ms", booking["p95"] <= P95_GOAL_MS, f"p95 {booking['p95']:.0f} ms"),
        ("aucune erreur 5xx", seen["server_errors"] == 0, f"{seen['server_errors']} réponses 5xx"),
        (
            "chaque parent a eu sa réponse",
            booking["n"] == PARENTS and booking["errors"] == 0,
            f"{booking['n'] - booking['errors']} réponses sur {PARENTS}",
        ),
        *((c["name"], c["ok"], c["detail"]) for c in answer["checks"]),
    ]
    for name, ok, detail in checks:
        print(f"{verdict(ok):<6} {name} ({detail})")
    draw(rows, OUT / "rush.png", booking=BOOKING, opening=LOGIN_SECONDS)
    print(f"graphique : {OUT / 'rush.png'}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RushError as error:
        print(f"ÉCHEC : {error}", file=sys.stderr)
        sys.exit(2)
