"""`python scripts/pwa_icons.py`: draws the installed portal's icons (static/img/pwa-*.png) from the favicon's design.

static/img/favicon.svg is a white house on the portal's brand colour, on a 64-unit grid. Browsers want PNG icons of
192 and 512 pixels for an installed web app, and «maskable» ones that the phone may cut to a circle or a rounded
square: those fill the whole square with the colour and keep the house inside the central safe zone (a circle of
40 % of the width). Each icon is drawn four times larger and then reduced, for smooth edges. The icons are committed;
run this again after changing the design."""

from pathlib import Path

from PIL import Image, ImageDraw

IMG = Path(__file__).resolve().parent.parent / "static" / "img"
BRAND = "#0b5d6b"  # --brand in static/css/portail.css, theme_color in home/pwa.py
WHITE = "#ffffff"
GRID = 64
CORNER = 12  # the favicon's rx
# The favicon's path «M14 50V28l18-14 18 14v22H38V36H26v14z»: the house and its door.
HOUSE = [(14, 50), (14, 28), (32, 14), (50, 28), (50, 50), (38, 50), (38, 36), (26, 36), (26, 50)]
SIZES = (192, 512)
OVERSAMPLE = 4


def draw(size: int, *, maskable: bool) -> Image.Image:
    big = size * OVERSAMPLE
    unit = big / GRID
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    if maskable:
        canvas.rectangle((0, 0, big, big), fill=BRAND)
    else:
        canvas.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * unit, fill=BRAND)
    # In a maskable icon the house shrinks around the centre to stay within the safe zone.
    scale = 0.75 if maskable else 1.0
    centre = GRID / 2
    points = [((centre + (x - centre) * scale) * unit, (centre + (y - centre) * scale) * unit) for x, y in HOUSE]
    canvas.polygon(points, fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in SIZES:
        draw(size, maskable=False).save(IMG / f"pwa-{size}.png", optimize=True)
        draw(size, maskable=True).convert("RGB").save(IMG / f"pwa-maskable-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
