"""`make bench`: serve the demo under gunicorn on loopback and measure pages against a bare Django view.

Steps, all in a throw-away directory (VAR_DIR) removed at the end:
1. fresh SQLite database: migrate, createcachetable, collectstatic, load_demo;
2. gunicorn, 2 sync workers, on a free 127.0.0.1 port, DEBUG off;
3. for each target, a short warm-up then BENCH_SECONDS (10 by default) of load with 8 connections,
   with wrk when it is on PATH, otherwise a Python http.client fallback (BENCH_CLIENT=python forces it);
4. a table of req/s, p50/p95/p99 latencies and the ratio of req/s to the ceiling: a bare Django view
   serving a body of the home page's size through the same server and the same Django handler.

Exits non-zero when a request got anything but a 200 (or failed at the socket level).
Standard library only, so that it runs with the project's virtualenv as it is.
"""

import http.client
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from typing import NamedTuple

from bench.templates import CEILING_MODULE, WRK_SCRIPT  # noqa: E402 (the repository on the path first)


class Target(NamedTuple):
    name: str
    path: str
    needs_login: bool = False  # served to the bench family's session (bench/fixtures.py)


# The month planning of a family with 3 children × 4 activities (target: median render ≤ 50 ms).
PLANNING_PATH = "/espace-famille/planning/?vue=mois"
PLANNING_TARGET_MS = 50
SEQUENTIAL_REQUESTS = 200
# Bulk acceptance of pending days by an instructor, on PostgreSQL (target: ≤ 10 s for 10,000 days).
BULK_DAYS = int(os.environ.get("BENCH_BULK_DAYS", "10000"))
BULK_TARGET_S = 10
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")

# Later issues add their screens here. The ceiling is measured on top of these.
TARGETS = [
    Target("page d'accueil", "/"),
    Target("page de connexion", "/compte/login/"),
    Target("planning du mois (3×4)", PLANNING_PATH, needs_login=True),
]
CEILING = Target("plafond : vue Django nue", "/__bench_ceiling__")

ROOT = Path(__file__).resolve().parent.parent
SECONDS = max(1, int(os.environ.get("BENCH_SECONDS", "10")))  # per target
WARMUP_SECONDS = 1
CONNECTIONS = 8
WRK_THREADS = 2
HOST = "127.0.0.1"  # never anything else: the load only ever goes to this machine's loopback


class Result(NamedTuple):
    requests: int
    seconds: float
    non200: int
    socket_errors: int
    p50: float  # ms
    p95: float
    p99: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class BenchError(Exception):
    pass


def step(message: str) -> None:
    print(f"· {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def check(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise BenchError(f"{what} a échoué (code {proc.returncode}) :\n{tail}")


def prepare_database(env: dict) -> None:
    step("base isolée : migrate, createcachetable, collectstatic, load_demo")
    # collectstatic does not touch the database: run it alongside migrate.
    static = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        check(manage(env, "migrate", "--noinput", "-v0"), "manage.py migrate")
        check(manage(env, "createcachetable"), "manage.py createcachetable")
        out, _ = static.communicate(timeout=120)
        check(subprocess.CompletedProcess(static.args, static.returncode, out, ""), "manage.py collectstatic")
    finally:
        if static.poll() is None:
            static.kill()
            static.wait()
    demo = manage(env, "load_demo")
    if demo.returncode and "Unknown command: 'load_demo'" in demo.stderr:
        print(
            "ATTENTION : la commande load_demo n'existe pas (encore) ; mesure sans la collectivité de démonstration,"
            " la page d'accueil sera celle de Wagtail par défaut ou une 404.",
            file=sys.stderr,
        )
    else:
        check(demo, "manage.py load_demo")


def bench_session(env: dict) -> str:
    """The bench family (3 children × 4 activities) and a logged-in session: the cookie to send."""
    step("famille de mesure : 3 enfants × 4 activités, session connectée")
    proc = manage(env, "shell", "-c", "from bench.fixtures import planning_family; planning_family()")
    check(proc, "bench.fixtures.planning_family")
    return f"sessionid={proc.stdout.strip().splitlines()[-1]}"


# The staff's dashboard and a «Fiche famille», with 2,000 more families (target: median render ≤ 100 ms each).
STAFF_FAMILIES = int(os.environ.get("BENCH_STAFF_FAMILIES", "2000"))
STAFF_TARGET_MS = 100


def staff_session(env: dict) -> tuple[str, int]:
    """The staff's families and an instructor's session: the cookie to send and a family's pk."""
    step(f"écrans des agents : {STAFF_FAMILIES} familles de plus, session d'instructeur")
    proc = manage(
        env, "shell", "-c", f"from bench.staff import staff_screens; staff_screens({STAFF_FAMILIES})", timeout=600
    )
    check(proc, "bench.staff.staff_screens")
    session, family = proc.stdout.strip().splitlines()[-2:]
    return f"sessionid={session}", int(family)


def sequential_median(port: int, path: str, cookie: str) -> float:
    """The median time to serve `path`, one request after another: the page's own render time."""
    latencies = []
    for _ in range(SEQUENTIAL_REQUESTS + 10):
        started = time.perf_counter()
        status, _ = get(port, path, cookie=cookie)
        if status != 200:
            raise BenchError(f"{path} répond {status}")
        latencies.append((time.perf_counter() - started) * 1000)
    return percentile(sorted(latencies[10:]), 50)


# What the billing benches printed, shown with the other figures.
BILLING_LINES: list[str] = []


def bulk_on_postgres(env: dict) -> float | None:
    """Accept BULK_DAYS pending days in bulk on a throw-away PostgreSQL database; None without PostgreSQL."""
    name = f"portail_bench_{os.getpid()}"
    pg_env = {**env, "DATABASE_URL": f"{PG_ADMIN_URL}/{name}"}
    created = subprocess.run(["createdb", "-h", HOST, "-U", "postgres", name], capture_output=True, text=True)
    if created.returncode:
        return None
    try:
        step(f"PostgreSQL : base {name}, migrate, load_demo, {BULK_DAYS} jours en attente")
        check(manage(pg_env, "migrate", "--noinput", "-v0"), "manage.py migrate (PostgreSQL)")
        check(manage(pg_env, "createcachetable"), "manage.py createcachetable (PostgreSQL)")
        check(manage(pg_env, "load_demo"), "manage.py load_demo (PostgreSQL)")
        proc = manage(
            pg_env, "shell", "-c", f"from bench.fixtures import bulk_acceptance; bulk_acceptance({BULK_DAYS})"
        )
        check(proc, "bench.fixtures.bulk_acceptance")
        step("PostgreSQL : facturation d'un mois pour 5 000 familles")
        run = manage(
            pg_env,
            "shell",
            "-c",
            "from bench.billing import bench_invoicing_run; bench_invoicing_run(5000)",
            timeout=900,
        )
        check(run, "bench.billing.bench_invoicing_run")
        BILLING_LINES.append(run.stdout.strip().splitlines()[-1])
        return float(proc.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(["dropdb", "-h", HOST, "-U", "postgres", "--if-exists", name], capture_output=True)


def start_server(env: dict, work: Path, port: int) -> subprocess.Popen:
    step(f"gunicorn, 2 workers synchrones, sur {HOST}:{port}")
    log = open(work / "gunicorn.log", "wb")  # the child keeps its own copy of the descriptor
    try:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench_ceiling:application",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--bind",
                f"{HOST}:{port}",
                "--pythonpath",
                f"{ROOT},{work}",
                "--log-level",
                "warning",
                "--graceful-timeout",
                "5",
                "--no-control-socket",  # no socket in ~/.gunicorn, no clash with another gunicorn
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so that it can be stopped as a whole
        )
    finally:
        log.close()


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # the master stops its workers
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def server_log(work: Path) -> str:
    try:
        return "\n".join((work / "gunicorn.log").read_text(errors="replace").strip().splitlines()[-30:])
    except OSError:
        return ""


def get(port: int, path: str, timeout: float = 10, cookie: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_up(server: subprocess.Popen, port: int, work: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn s'est arrêté (code {server.returncode}) :\n{server_log(work)}")
        try:
            get(port, "/", timeout=2)
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    raise BenchError(f"gunicorn ne répond pas après {timeout:.0f} s :\n{server_log(work)}")


def run_wrk(port: int, path: str, seconds: int, script: Path, cookie: str = "") -> Result:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    proc = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, timeout=seconds + 30
    )
    match = re.search(r"^BENCH (.*)$", proc.stdout, re.M)
    if proc.returncode or not match:
        raise BenchError(f"wrk a échoué (code {proc.returncode}) :\n{proc.stdout}{proc.stderr}")
    v = {key: int(value) for key, value in (pair.split("=") for pair in match.group(1).split())}
    return Result(
        v["requests"], v["duration_us"] / 1e6, v["non200"], v["socket_errors"],
        v["p50"] / 1000, v["p95"] / 1000, v["p99"] / 1000,
    )  # fmt: skip


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def run_python(port: int, path: str, seconds: int, cookie: str = "") -> Result:
    """CONNECTIONS threads, each looping on its own connection until a fixed deadline."""
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    non200 = [0] * CONNECTIONS
    errors = [0] * CONNECTIONS

    def worker(i: int) -> None:
        conn = None
        while time.monotonic() < deadline:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = None
                continue
            latencies[i].append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                non200[i] += 1
            if response.will_close:  # gunicorn's sync workers close after each response
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(CONNECTIONS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 15)
    elapsed = time.monotonic() - started
    ordered = sorted(x for per_thread in latencies for x in per_thread)
    return Result(
        len(ordered), elapsed, sum(non200), sum(errors),
        percentile(ordered, 50), percentile(ordered, 95), percentile(ordered, 99),
    )  # fmt: skip


def main() -> int:
    wanted = os.environ.get("BENCH_CLIENT", "").lower()
    use_wrk = wanted != "python" and shutil.which("wrk") is not None
    if wanted == "wrk" and not use_wrk:
        print("BENCH_CLIENT=wrk mais wrk est introuvable (apt-get install wrk)", file=sys.stderr)
        return 2

    work = Path(tempfile.mkdtemp(prefix="portail-bench-"))
    env = {
        key: value
        for key, value in os.environ.items()
        # Whatever the shell says, no shared database, cache, mail server or static directory.
        if key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "STATIC_ROOT", "MEDIA_ROOT"}
    }
    env.update(
        VAR_DIR=str(work / "var"),
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
        BENCH_CEILING_BODY=str(work / "ceiling_body.html"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), str(work), os.environ.get("PYTHONPATH")])),
    )
    (work / "bench_ceiling.py").write_text(CEILING_MODULE.format(path=CEILING.path))
    wrk_script = work / "bench.lua"
    wrk_script.write_text(WRK_SCRIPT)

    cookie = ""

    def measure(target: Target, seconds: int) -> Result:
        jar = cookie if target.needs_login else ""
        if use_wrk:
            return run_wrk(port, target.path, seconds, wrk_script, jar)
        return run_python(port, target.path, seconds, jar)

    # `make` stops with SIGTERM: turn it into an exception so that the finally below still runs.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    server = None
    began = time.monotonic()
    try:
        prepare_database(env)
        cookie = bench_session(env)
        staff_cookie, staff_family = staff_session(env)
        port = free_port()
        server = start_server(env, work, port)
        wait_until_up(server, port, work)

        status, home = get(port, "/")
        if status != 200:
            print(f"ATTENTION : la page d'accueil répond {status} (collectivité de démonstration absente ?)")
        (work / "ceiling_body.html").write_bytes(home)
        targets = [*TARGETS, CEILING]
        for target in targets:
            status, body = get(port, target.path, cookie=cookie if target.needs_login else "")
            step(f"{target.path} : {status}, {len(body)} octets")
        if len(get(port, CEILING.path)[1]) != len(home):
            raise BenchError("le plafond ne sert pas un corps de la taille de la page d'accueil")

        if use_wrk:
            version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[:1]
            client = f"wrk ({' '.join(version[0].split()[:2]) if version else 'wrk'}), {WRK_THREADS} fils"
        else:
            client = "Python http.client (repli, wrk absent ou BENCH_CLIENT=python), 8 fils"
        print(
            f"\nClient : {client}, {CONNECTIONS} connexions, {SECONDS} s par cible après {WARMUP_SECONDS} s"
            f" de chauffe. Serveur : gunicorn, 2 workers synchrones, DEBUG=0, SQLite, {HOST}:{port},"
            f" {os.cpu_count()} cœurs. Page d'accueil : {len(home)} octets.",
            flush=True,
        )
        results = []
        for target in targets:
            measure(target, WARMUP_SECONDS)
            results.append((target, measure(target, SECONDS)))
        planning_median = sequential_median(port, PLANNING_PATH, cookie)
        staff_medians = [
            (label, sequential_median(port, path, staff_cookie))
            for label, path in (("Tableau de bord", "/admin/"), ("Fiche famille", f"/admin/familles/{staff_family}/"))
        ]

        ceiling = results[-1][1].rps
        print(f"\n{'cible':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'/plafond':>9}")
        for target, r in results:
            ratio = f"{r.rps / ceiling:.2f}×" if ceiling else "-"
            print(f"{target.name:<28} {r.rps:>8.0f} {r.p50:>8.1f} {r.p95:>8.1f} {r.p99:>8.1f} {ratio:>9}")
        verdict = "objectif tenu" if planning_median <= PLANNING_TARGET_MS else "OBJECTIF MANQUÉ"
        print(
            f"\nPlanning du mois, 3 enfants × 4 activités, {SEQUENTIAL_REQUESTS} requêtes l'une après l'autre :"
            f" rendu médian {planning_median:.1f} ms (objectif ≤ {PLANNING_TARGET_MS} ms : {verdict})"
        )
        for label, median in staff_medians:
            verdict = "objectif tenu" if median <= STAFF_TARGET_MS else "OBJECTIF MANQUÉ"
            print(
                f"{label} d'un instructeur, {STAFF_FAMILIES} familles de plus, {SEQUENTIAL_REQUESTS} requêtes :"
                f" rendu médian {median:.1f} ms (objectif ≤ {STAFF_TARGET_MS} ms : {verdict})"
            )
        bulk = bulk_on_postgres(env)
        if bulk is None:
            print("Acceptation en masse : PostgreSQL ne répond pas sur 127.0.0.1:5432, mesure sautée.")
        else:
            verdict = "objectif tenu" if bulk <= BULK_TARGET_S else "OBJECTIF MANQUÉ"
            print(
                f"Acceptation en masse de {BULK_DAYS:,} jours en attente sur PostgreSQL : {bulk:.2f} s"
                f" (objectif ≤ {BULK_TARGET_S} s : {verdict})".replace(",", " ")
            )
        step("accusés de traitement : 20 000 familles, 100 000 décisions (dans la base jetable de la mesure)")
        digests = manage(env, "shell", "-c", "from bench.digests import bench_digests; bench_digests()", timeout=900)
        check(digests, "bench.digests.bench_digests")
        print(digests.stdout.strip().splitlines()[-1] + " (objectifs ≤ 60 s, ≤ 300 Mo)")
        step("1 000 PDF de facture, l'un après l'autre")
        pdfs = manage(env, "shell", "-c", "from bench.billing import bench_pdfs; bench_pdfs(1000)", timeout=900)
        check(pdfs, "bench.billing.bench_pdfs")
        print(pdfs.stdout.strip().splitlines()[-1])
        for line in BILLING_LINES:
            print(line)
        print(f"\n(durée totale {time.monotonic() - began:.0f} s)")

        failed = sum(r.non200 + r.socket_errors for _, r in results)
        if failed:
            for target, r in results:
                if r.non200 or r.socket_errors:
                    print(
                        f"ÉCHEC {target.path} : {r.non200} réponses autres que 200, {r.socket_errors} erreurs réseau",
                        file=sys.stderr,
                    )
            print(f"{failed} requêtes en échec sur {sum(r.requests for _, r in results)}", file=sys.stderr)
            return 1
        return 0
    except (BenchError, subprocess.TimeoutExpired) as error:
        print(f"bench : {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
