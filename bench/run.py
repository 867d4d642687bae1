"""`make bench`: serve the demo under gunicorn on loopback and measure pages against a bare Django view.

Steps, all in a throw-away directory (VAR_DIR) removed at the end:
1. fresh SQLite database: migrate, createcachetable, collectstatic, load_demo;
2. gunicorn, 2 sync workers, on a free 127.0.0.1 port, DEBUG off;
3. for each target, a short warm-up then BENCH_SECONDS (10 by default) of load with 8 connections,
   with wrk when it is on PATH, otherwise a Python http.client fallback (BENCH_CLIENT=python forces it);
4. a table of req/s, p50/p95/p99 latencies and the ratio of req/s to the ceiling: a bare Django view
   serving a body of the home page's size through the same server and the same Django handler.

BENCH_ONLY names the parts to run, separated by commas (all of them by default): «pages» (the table above and
each page's ratio against its goal), «planning», «staff», then the heavy ones, on PostgreSQL: «bulk», «billing»
(a month's invoicing of 5 000 families of the demo's mix, 1 000 PDFs, 5 000 certificates, a SEPA lot of 5 000
debits), «digests» (20 000 families' digests queued and sent through the e-mail backend).
`BENCH_ONLY=pages .venv/bin/python bench/run.py` measures the pages alone in about a minute; BENCH_SCALE=0.1 runs
the heavy parts at a tenth of their size (their figures then say so, against the same goals).

PostgreSQL: BENCH_DATABASE_URL names a database the bench may drop and create again (e.g.
postgres://postgres@127.0.0.1:5432/bench_pg); otherwise a database portail_bench_<pid> is created on
BENCH_POSTGRES (postgres://postgres@127.0.0.1:5432). It is dropped at the end. When PostgreSQL does not answer,
each heavy part says «sauté» and why; BENCH_REQUIRE_POSTGRES=1 makes that a failure.

Every figure is printed with the rows it handled, its database, its goal and «OK» or «MANQUÉ»; the summary at the
end gives the run's date, and is written to var/bench/last.json (BENCH_LAST: another path), the file the README's
figures come from. Exits 1 when a goal is missed, a part failed or a request got anything but a 200; 2 when the
bench itself could not run.
Standard library only, so that it runs with the project's virtualenv as it is.
"""

import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from typing import NamedTuple

from bench.figures import MISSED, SKIPPED, Figure, number, parse, write_last  # noqa: E402
from bench.load import (  # noqa: E402
    CONNECTIONS,
    HOST,
    WRK_THREADS,
    LoadError,
    Result,
    free_port,
    get,
    percentile,
    run_python,
    run_wrk,
    step,
)
from bench.templates import CEILING_MODULE, WRK_SCRIPT  # noqa: E402 (the repository on the path first)


class Target(NamedTuple):
    name: str
    path: str
    needs_login: bool = False  # served to the bench family's session (bench/fixtures.py)
    goal: float | None = None  # the least req/s it should serve, as a share of the ceiling's


# The month planning of a family with 3 children × 4 activities (target: median render ≤ 50 ms).
PLANNING_PATH = "/espace-famille/planning/?vue=mois"
PLANNING_TARGET_MS = 50
SEQUENTIAL_REQUESTS = 200
# Bulk acceptance of pending days by an instructor, on PostgreSQL (target: ≤ 10 s for 10,000 days).
SCALE = float(os.environ.get("BENCH_SCALE", "1"))


def scaled(count: int) -> int:
    return max(2, round(count * SCALE))


BULK_DAYS = int(os.environ.get("BENCH_BULK_DAYS", str(scaled(10_000))))
PG_ADMIN_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PG_URL = os.environ.get("BENCH_DATABASE_URL", "")
HEAVY = ("bulk", "billing", "digests")
LIGHT = {"pages", "planning", "staff"}  # served by gunicorn from the SQLite database
LAST = Path(os.environ.get("BENCH_LAST", str(Path(__file__).resolve().parent.parent / "var" / "bench" / "last.json")))

# Later issues add their screens here. The ceiling is measured on top of these.
TARGETS = [
    # Anonymous: from the page cache (cms/page_cache.py) once each worker has served it.
    Target("page d'accueil", "/", goal=0.5),
    # The bench family (3 children × 4 activities): its «À faire» kept until the next write (commun.write_generation).
    Target("accueil d'une famille", "/", needs_login=True, goal=0.25),
    Target("page de connexion", "/compte/login/"),
    Target("planning du mois (3×4)", PLANNING_PATH, needs_login=True),
]
CEILING = Target("plafond : vue Django nue", "/__bench_ceiling__")

ROOT = Path(__file__).resolve().parent.parent
SECONDS = max(1, int(os.environ.get("BENCH_SECONDS", "10")))  # per target
WARMUP_SECONDS = 1
PARTS = ("pages", "planning", "staff", "bulk", "digests", "billing")
ONLY = {part.strip() for part in os.environ.get("BENCH_ONLY", ",".join(PARTS)).split(",") if part.strip()}


class BenchError(Exception):
    pass


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


FIGURES: list[Figure] = []
PART_ERRORS: list[str] = []


def report(figure: Figure) -> None:
    FIGURES.append(figure)
    print(figure.line(), flush=True)


def run_figures(env: dict, part: str, call: str, what: str, timeout: int = 1800) -> None:
    """One workload in `manage.py shell -c`: its figures printed and kept; a failure is reported, not fatal."""
    proc = manage(env, "shell", "-c", call, timeout=timeout)
    found = parse(proc.stdout)
    for figure in found:
        report(figure)
    if proc.returncode or not found:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        PART_ERRORS.append(f"{what} : échec (code {proc.returncode})")
        print(f"ÉCHEC {what} (code {proc.returncode}) :\n{tail}", file=sys.stderr, flush=True)


def _pg(url: str) -> tuple[list[str], str]:
    """createdb/dropdb's connection options and the database's name, from a postgres:// URL."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    options = ["-h", parts.hostname or HOST, "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]
    return options, parts.path.lstrip("/")


def postgres_database() -> tuple[str | None, str]:
    """A fresh PostgreSQL database for the heavy parts: (its URL, "") or (None, why not)."""
    url = PG_URL or f"{PG_ADMIN_URL}/portail_bench_{os.getpid()}"
    options, name = _pg(url)
    if not name:
        return None, f"BENCH_DATABASE_URL sans nom de base : {url}"
    if shutil.which("createdb") is None:
        return None, "createdb introuvable (client PostgreSQL absent)"
    subprocess.run(["dropdb", *options, "--if-exists", name], capture_output=True, text=True, timeout=60)
    created = subprocess.run(["createdb", *options, name], capture_output=True, text=True, timeout=60)
    if created.returncode:
        why = (created.stderr.strip().splitlines() or ["createdb a échoué"])[-1]
        return None, f"PostgreSQL ne répond pas ou refuse la base {name} ({why})"
    return url, ""


def drop_postgres(url: str) -> None:
    options, name = _pg(url)
    subprocess.run(["dropdb", *options, "--if-exists", name], capture_output=True, timeout=60)


def heavy_parts(env: dict) -> None:
    """bulk, billing and digests on one fresh PostgreSQL database (the demo loaded), or «sauté» and why."""
    wanted = [part for part in HEAVY if part in ONLY]
    if not wanted:
        return
    url, why = postgres_database()
    if url is None:
        for part in wanted:
            report(Figure(part=part, label=HEAVY_LABELS[part], skipped=why))
        if os.environ.get("BENCH_REQUIRE_POSTGRES") == "1":
            PART_ERRORS.append(f"PostgreSQL exigé (BENCH_REQUIRE_POSTGRES=1) : {why}")
        return
    pg_env = {**env, "DATABASE_URL": url}
    try:
        step(f"PostgreSQL : base {_pg(url)[1]}, migrate, load_demo")
        check(manage(pg_env, "migrate", "--noinput", "-v0", timeout=900), "manage.py migrate (PostgreSQL)")
        check(manage(pg_env, "createcachetable"), "manage.py createcachetable (PostgreSQL)")
        check(manage(pg_env, "load_demo", timeout=900), "manage.py load_demo (PostgreSQL)")
        if "bulk" in ONLY:
            step(f"acceptation en masse de {BULK_DAYS} jours en attente")
            run_figures(
                pg_env, "bulk", f"from bench.fixtures import bulk_acceptance; bulk_acceptance({BULK_DAYS})", "bulk"
            )
        if "billing" in ONLY:
            families, pdfs = scaled(5000), scaled(1000)
            step(f"facturation d'un mois pour {families} familles (1 à 3 enfants, 3 activités au quotient)")
            run_figures(
                pg_env,
                "billing",
                f"from bench.billing import bench_invoicing_run; bench_invoicing_run({families})",
                "facturation d'un mois",
            )
            step(f"{pdfs} PDF de facture, l'un après l'autre")
            run_figures(pg_env, "billing", f"from bench.billing import bench_pdfs; bench_pdfs({pdfs})", "PDF")
            step(f"{families} attestations de frais de garde, en une campagne")
            run_figures(
                pg_env,
                "billing",
                f"from bench.billing import bench_certificates; bench_certificates({families})",
                "attestations",
            )
            step(f"un lot de prélèvement SEPA de {families} débits (pain.008)")
            run_figures(
                pg_env, "billing", f"from bench.debits import bench_pain008; bench_pain008({families})", "pain.008"
            )
        if "digests" in ONLY:
            count, decisions = scaled(20_000), scaled(100_000)
            step(f"accusés de traitement : {count} familles, {decisions} décisions, mis en boîte d'envoi puis envoyés")
            run_figures(
                pg_env,
                "digests",
                f"from bench.digests import bench_digests; bench_digests({count}, {decisions})",
                "accusés de traitement",
            )
    except BenchError as error:
        PART_ERRORS.append(str(error).splitlines()[0])
        print(f"ÉCHEC : {error}", file=sys.stderr, flush=True)
    finally:
        drop_postgres(url)


HEAVY_LABELS = {
    "bulk": "Acceptation en masse de jours en attente",
    "billing": "Facturation d'un mois, PDF, attestations, prélèvements",
    "digests": "Accusés de traitement d'un créneau",
}


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


def print_pages(results: list[tuple[Target, Result]]) -> list[Figure]:
    """The table of the pages, then each page's req/s against the ceiling's beside its goal, as figures."""
    ceiling = results[-1][1].rps
    print(f"\n{'cible':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'/plafond':>9}")
    for target, r in results:
        ratio = f"{r.rps / ceiling:.2f}×" if ceiling else "-"
        print(f"{target.name:<28} {r.rps:>8.0f} {r.p50:>8.1f} {r.p95:>8.1f} {r.p99:>8.1f} {ratio:>9}")
    print()
    figures = []
    for target, r in results:
        if target.goal is None:
            continue
        figure = Figure(
            part="pages",
            label=f"{target.name} (le plafond : vue Django nue)",
            value=r.rps / ceiling if ceiling else None,
            unit="×",
            goal=target.goal,
            at_most=False,
            rows=f"{r.requests} requêtes en {r.seconds:.0f} s, {r.rps:.0f} req/s contre {ceiling:.0f} req/s",
            database="SQLite",
            skipped="" if ceiling else "le plafond n'a servi aucune requête",
        )
        report(figure)
        figures.append(figure)
    return figures


def summary(date: datetime, began: float, client: str) -> None:
    """The figures again, under the run's date, and var/bench/last.json."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    context = {
        "commit": commit.stdout.strip(),
        "cores": os.cpu_count(),
        "client": client,
        "scale": SCALE,
        "seconds": round(time.monotonic() - began),
        "parts": sorted(ONLY),
    }
    print(f"\nBilan de la mesure du {date:%d/%m/%Y à %H:%M} UTC ({context['commit']}, {os.cpu_count()} cœurs) :")
    for figure in FIGURES:
        print(f"- {figure.line()}")
    for error in PART_ERRORS:
        print(f"- ÉCHEC {error}")
    missed = sum(figure.verdict == MISSED for figure in FIGURES)
    skipped = sum(figure.verdict == SKIPPED for figure in FIGURES)
    print(
        f"{len(FIGURES)} mesures : {missed} objectif(s) manqué(s), {skipped} sautée(s), {len(PART_ERRORS)} échec(s)"
        f" ; durée totale {number(time.monotonic() - began, 's')}."
    )
    write_last(LAST, date=date.isoformat(timespec="seconds"), context=context, figures=FIGURES)
    print(f"Écrit dans {LAST}.")


def main() -> int:
    if ONLY - set(PARTS):
        unknown = ", ".join(sorted(ONLY - set(PARTS)))
        print(f"BENCH_ONLY : parties inconnues {unknown} (parties : {', '.join(PARTS)})", file=sys.stderr)
        return 2
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
    date = datetime.now(UTC)
    print(f"Mesure du {date:%d/%m/%Y à %H:%M} UTC", flush=True)
    try:
        results, client = [], "aucun (pas de page mesurée)"
        if ONLY & LIGHT:
            prepare_database(env)
            cookie = bench_session(env)
            staff_cookie, staff_family = staff_session(env) if "staff" in ONLY else ("", 0)
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
            for target in targets if "pages" in ONLY else []:
                measure(target, WARMUP_SECONDS)
                results.append((target, measure(target, SECONDS)))
            if results:
                print_pages(results)
            if "planning" in ONLY:
                planning_median = sequential_median(port, PLANNING_PATH, cookie)
                report(
                    Figure(
                        part="planning",
                        label="Planning du mois, rendu médian",
                        value=planning_median,
                        unit="ms",
                        goal=PLANNING_TARGET_MS,
                        rows=f"3 enfants × 4 activités, {SEQUENTIAL_REQUESTS} requêtes l'une après l'autre",
                        database="SQLite",
                    )
                )
            staff_pages = (("Tableau de bord", "/admin/"), ("Fiche famille", f"/admin/familles/{staff_family}/"))
            for label, path in staff_pages if "staff" in ONLY else ():
                report(
                    Figure(
                        part="staff",
                        label=f"{label} d'un instructeur, rendu médian",
                        value=sequential_median(port, path, staff_cookie),
                        unit="ms",
                        goal=STAFF_TARGET_MS,
                        rows=f"{STAFF_FAMILIES} familles de plus, {SEQUENTIAL_REQUESTS} requêtes l'une après l'autre",
                        database="SQLite",
                    )
                )
            stop_server(server)  # the heavy parts have the machine to themselves
        heavy_parts(env)
        summary(date, began, client)

        failed = sum(r.non200 + r.socket_errors for _, r in results)
        if failed:
            for target, r in results:
                if r.non200 or r.socket_errors:
                    print(
                        f"ÉCHEC {target.path} : {r.non200} réponses autres que 200, {r.socket_errors} erreurs réseau",
                        file=sys.stderr,
                    )
            print(f"{failed} requêtes en échec sur {sum(r.requests for _, r in results)}", file=sys.stderr)
        missed = [figure for figure in FIGURES if figure.verdict == MISSED]
        return 1 if failed or missed or PART_ERRORS else 0
    except (BenchError, LoadError, subprocess.TimeoutExpired) as error:
        print(f"bench : {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
