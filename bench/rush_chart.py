"""The rush hour's chart, drawn with Pillow (already a dependency): latency (p50 / p95 of the bookings, p95 of every
request) and throughput (every request, the bookings) per BUCKET seconds, the opening marked."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bench.load import percentile

BUCKET = 5  # seconds
WIDTH, HEIGHT, MARGIN = 1100, 760, 70
# DejaVu (Debian's fonts-dejavu-core) has the accents of «réservation»; Pillow's own font shows boxes instead.
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf")
COLOURS = {"p50": (31, 119, 180), "p95": (214, 39, 40), "all95": (150, 150, 150), "rps": (44, 160, 44)}


def series(rows, *, booking: str, bucket: int = BUCKET) -> list[dict]:
    """Per bucket: its start (s), booking p50 / p95, every request's p95 (ms), req/s of all and of the bookings."""
    if not rows:
        return []
    last = int(max(t for t, *_ in rows) // bucket)
    buckets = [{"t": i * bucket, "all": [], "booking": []} for i in range(last + 1)]
    for t, name, ms, _status in rows:
        entry = buckets[int(t // bucket)]
        entry["all"].append(ms)
        if name == booking:
            entry["booking"].append(ms)
    out = []
    for entry in buckets:
        mine, every = sorted(entry["booking"]), sorted(entry["all"])
        out.append(
            {
                "t": entry["t"],
                "p50": percentile(mine, 50) if mine else None,
                "p95": percentile(mine, 95) if mine else None,
                "all95": percentile(every, 95) if every else None,
                "rps": len(every) / bucket,
                "bookings": len(mine) / bucket,
            }
        )
    return out


def _panel(draw, font, box, points, *, top: float, unit: str, lines, opening: float, span: float):
    left, upper, right, lower = box
    draw.rectangle(box, outline=(0, 0, 0))
    for i in range(5):
        value = top * i / 4
        y = lower - (lower - upper) * i / 4
        draw.line([(left, y), (right, y)], fill=(225, 225, 225))
        draw.text((left - 8, y), f"{value:.0f}", fill=(0, 0, 0), font=font, anchor="rm")
    draw.text((left, upper - 18), unit, fill=(0, 0, 0), font=font)
    x_open = left + (right - left) * opening / span
    draw.line([(x_open, upper), (x_open, lower)], fill=(0, 0, 0), width=2)
    draw.text((x_open + 4, upper + 4), "ouverture", fill=(0, 0, 0), font=font)
    for key, _label, colour in lines:
        coords = [
            (left + (right - left) * (p["t"] + BUCKET / 2) / span, lower - (lower - upper) * min(p[key], top) / top)
            for p in points
            if p[key] is not None
        ]
        if len(coords) > 1:
            draw.line(coords, fill=colour, width=2)
        for x, y in coords:
            draw.ellipse([(x - 2, y - 2), (x + 2, y + 2)], fill=colour)
    x = left + 10
    for _key, label, colour in lines:
        draw.rectangle([(x, lower + 28), (x + 14, lower + 40)], fill=colour)
        draw.text((x + 20, lower + 34), label, fill=(0, 0, 0), font=font, anchor="lm")
        x += 40 + int(draw.textlength(label, font=font))


def _font(size: int):
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw(rows, path: Path, *, booking: str, opening: float) -> None:
    points = series(rows, booking=booking)
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    pen = ImageDraw.Draw(image)
    font = _font(14)
    pen.text((MARGIN, 15), "Heure de pointe : latence et débit au fil du temps (fenêtres de 5 s)", fill=(0, 0, 0),
             font=font)  # fmt: skip
    span = max((p["t"] + BUCKET for p in points), default=BUCKET)
    latencies = [p[k] for p in points for k in ("p95", "all95") if p[k] is not None]
    top_ms = max(1000.0, max(latencies, default=0) * 1.1)
    _panel(
        pen, font, (MARGIN, 60, WIDTH - 30, 330), points, top=top_ms, unit="ms", opening=opening, span=span,
        lines=[("p50", "réservation p50", COLOURS["p50"]), ("p95", "réservation p95", COLOURS["p95"]),
               ("all95", "toutes requêtes p95", COLOURS["all95"])],
    )  # fmt: skip
    top_rps = max(1.0, max((p["rps"] for p in points), default=0) * 1.1)
    _panel(
        pen, font, (MARGIN, 420, WIDTH - 30, 680), points, top=top_rps, unit="requêtes/s", opening=opening,
        span=span, lines=[("rps", "toutes requêtes", COLOURS["rps"]), ("bookings", "réservations", COLOURS["p50"])],
    )  # fmt: skip
    pen.text((MARGIN, HEIGHT - 30), "secondes depuis le début", fill=(0, 0, 0), font=font)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
