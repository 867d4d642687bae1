"""French elision before a name: «de Paul» but «d'Alice», «d'Hugo», «d'Yves», «d'avril 2027».

«de» drops its «e» before a vowel sound: a vowel (accented or not), a mute «h» (first names read their «h» as mute:
«d'Hugo», «d'Hélène»), a «y» sounded as «i» (before a consonant: «Yves», «Ysé»; «Yann» keeps «de»). Everything
else, digits and symbols included, keeps «de»."""

import unicodedata

VOWELS = frozenset("aeiouœæ")


def elides(word: str) -> bool:
    """Whether «de» (or «le», «que»...) drops its «e» before `word`."""
    decomposed = unicodedata.normalize("NFD", str(word or "").strip().lower())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not letters:
        return False
    if letters[0] in VOWELS or letters[0] == "h":
        return True
    return letters[0] == "y" and len(letters) > 1 and letters[1].isalpha() and letters[1] not in VOWELS


def de(name) -> str:
    """«de Paul», «d'Alice»: `de` before a name (or any word: «d'octobre 2027»); nothing before an empty name."""
    name = str(name or "").strip()
    if not name:
        return ""
    return f"d'{name}" if elides(name) else f"de {name}"
