"""The text of an SMS: what the GSM alphabet carries, and how many SMS a text costs. Pure functions.

An SMS holds 160 characters of the GSM 03.38 alphabet, or 70 of Unicode: one «ê» would make a French text cost more
than twice as many SMS. The portal sends GSM only: the characters the alphabet lacks are replaced by their nearest
(â → a, œ → oe, « » → "), and the person writing sees the text as it will be sent, with its count.
"""

import math
import unicodedata

# GSM 03.38 basic alphabet (without the escape character).
BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two characters (an escape, then the character).
EXTENSION = set("^{}\\[~]|€")
REPLACEMENTS = {
    "ç": "c",
    "œ": "oe",
    "Œ": "OE",
    "’": "'",
    "‘": "'",
    "‚": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "…": "...",
    "–": "-",
    "—": "-",
    "‐": "-",
    "•": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\t": " ",
}
# One SMS; beyond it, each SMS of a long message carries 153 characters (the rest is the header that joins them).
SINGLE = 160
PART = 153
# What a message to families may cost: two SMS.
MAX_UNITS = 2 * PART


def _nearest(char: str) -> str:
    if char in BASIC or char in EXTENSION:
        return char
    if char in REPLACEMENTS:
        return REPLACEMENTS[char]
    stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if stripped and all(c in BASIC or c in EXTENSION for c in stripped):
        return stripped
    return "?"


def to_gsm(text: str) -> str:
    """The text as it will be sent: GSM characters only, line ends as «\\n», no spaces at either end."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return "".join(_nearest(char) for char in text)


def units(gsm_text: str) -> int:
    """The characters an SMS counts (an extension character counts two)."""
    return sum(2 if char in EXTENSION else 1 for char in gsm_text)


def parts(count: int) -> int:
    """How many SMS a text of `count` characters costs."""
    if count == 0:
        return 0
    return 1 if count <= SINGLE else math.ceil(count / PART)


def describe(gsm_text: str) -> str:
    """«152 caractères : 1 SMS», for the person writing."""
    count = units(gsm_text)
    number = parts(count)
    return f"{count} caractère{'s' if count > 1 else ''} : {number} SMS"
