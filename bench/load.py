"""The load clients of the bench: wrk when it is on PATH, otherwise Python's http.client in threads; both report
req/s and p50/p95/p99 latencies. Standard library only."""

import http.client
import math
import re
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import NamedTuple

CONNECTIONS = 8
WRK_THREADS = 2
HOST = "127.0.0.1"  # never anything else: the load only ever goes to this machine's loopback


class LoadError(Exception):
    pass


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


def step(message: str) -> None:
    """One line of progress, at once."""
    print(f"· {message}", flush=True)


def free_port() -> int:
    """A port of the loopback nobody listens on."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 10, cookie: str = "") -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def run_wrk(port: int, path: str, seconds: int, script: Path, cookie: str = "") -> Result:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    proc = subprocess.run(
        [*command, f"http://{HOST}:{port}{path}"], capture_output=True, text=True, timeout=seconds + 30
    )
    match = re.search(r"^BENCH (.*)$", proc.stdout, re.M)
    if proc.returncode or not match:
        raise LoadError(f"wrk a échoué (code {proc.returncode}) :\n{proc.stdout}{proc.stderr}")
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
