"""A figure of `make bench`: what was measured, on which rows and which database, against which goal.

The workloads run in `manage.py shell -c` processes: each prints its figures as `FIGURE {json}` lines (`emit`),
which bench/run.py reads back (`parse`), prints with their verdict («OK», «MANQUÉ», or «sauté» and why) and
writes, with the run's date, to var/bench/last.json (`write_last`), the file the README's figures come from.
Standard library only."""

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

PREFIX = "FIGURE "
OK, MISSED, SKIPPED = "OK", "MANQUÉ", "sauté"


@dataclass
class Figure:
    part: str  # the BENCH_ONLY part it belongs to
    label: str
    value: float | None = None
    unit: str = "s"
    goal: float | None = None
    at_most: bool = True  # the goal is a ceiling (≤); False: a floor (≥)
    rows: str = ""  # what was handled: «5 000 familles, 10 000 enfants, 198 000 jours, 30 000 lignes»
    database: str = ""  # «PostgreSQL», «SQLite»
    skipped: str = ""  # why it was not measured

    @property
    def verdict(self) -> str:
        if self.skipped or self.value is None:
            return SKIPPED
        if self.goal is None:
            return ""
        return OK if (self.value <= self.goal if self.at_most else self.value >= self.goal) else MISSED

    def line(self) -> str:
        if self.verdict == SKIPPED:
            return f"{self.label} : sauté ({self.skipped or 'pas de mesure'})"
        value = number(self.value, self.unit)
        text = f"{self.label} : {value}"
        if self.goal is not None:
            text += f" (objectif {'≤' if self.at_most else '≥'} {number(self.goal, self.unit)} : {self.verdict})"
        details = ", ".join(filter(None, [self.rows, self.database]))
        return f"{text} — {details}" if details else text


def number(value: float, unit: str) -> str:
    """«40,4 s», «0,25×», «182 Mo», French style."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    digits = 2 if unit in {"×", "s"} and abs(value) < 10 else 1 if unit in {"s", "ms"} else 0
    if unit == "req/s":
        digits = 0
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")
    return f"{text}×" if unit == "×" else f"{text} {unit}"


def thousands(count: int) -> str:
    return f"{count:,}".replace(",", " ")


def emit(figure: Figure) -> Figure:
    print(PREFIX + json.dumps(asdict(figure), ensure_ascii=False), flush=True)
    return figure


def parse(output: str) -> list[Figure]:
    names = {f.name for f in fields(Figure)}
    return [
        Figure(**{k: v for k, v in json.loads(line[len(PREFIX) :]).items() if k in names})
        for line in output.splitlines()
        if line.startswith(PREFIX)
    ]


def write_last(path: Path, *, date: str, context: dict, figures: list[Figure]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "date": date,
        **context,
        "figures": [{**asdict(f), "verdict": f.verdict, "text": f.line()} for f in figures],
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
