"""Turkish hyphenation for Pyphen and WeasyPrint: Liang patterns generated from the TDK syllable rules."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pyphen

VOWELS = "aeıioöuüâîû"
CONSONANTS = "bcçdfgğhjklmnprsştvyzqwx"  # q w x: foreign names and loanwords in Turkish text
APOSTROPHES = "'’"
# Pyphen finds breaks in word.lower(), then applies them to the word: str.lower() turns "İ" into two characters
# ("i" + U+0307), shifting every later break by one, and "I" into dotted "i". Turkish casing, one character for one.
TURKISH_LOWER = str.maketrans({"İ": "i", "I": "ı"})


def turkish_patterns() -> list[str]:
    """The TDK Yazım Kılavuzu rules (hece yapısı, satır sonunda kelimelerin bölünmesi) as sorted Liang patterns."""
    # Only the consonant right before a vowel starts its syllable: a-ra-ba, bir-lik, Türk-çe, kont-rol, prog-ram.
    patterns = {f"1{c}{v}" for c in CONSONANTS for v in VOWELS}
    # Two adjacent vowels belong to two syllables: sa-at, şi-ir, müda-faa.
    patterns |= {f"{a}1{b}" for a in VOWELS for b in VOWELS}
    # Consonants opening a word stay with its first syllable, whatever follows: spor, tren, stra-te-ji.
    patterns |= {f".2{c}2" for c in CONSONANTS} | {f".{a}{b}2" for a in CONSONANTS for b in CONSONANTS}
    # After an apostrophe the line may end with the apostrophe alone, never with a hyphen: Edir-ne'nin, meş'a-le.
    patterns |= {f"{mark}2" for mark in APOSTROPHES}
    return sorted(patterns)


class TurkishHyphDict(pyphen.HyphDict):
    """Pyphen's dictionary with Turkish lowercasing, so that positions in "İstanbul" or "ILIK" stay aligned."""

    def positions(self, word: str) -> list[int]:
        return super().positions(word.translate(TURKISH_LOWER))


def register_turkish(folder: Path) -> Path:
    """Write folder/hyph_tr.dic if its content changed; make it the "tr" dictionary of Pyphen and so of WeasyPrint."""
    path = folder / "hyph_tr.dic"
    content = ("UTF-8\n" + "\n".join(turkish_patterns()) + "\n").encode()
    if not path.is_file() or path.read_bytes() != content:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".hyph_tr.", dir=folder)  # workers may race: replace atomically
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    pyphen.LANGUAGES["tr"] = path
    pyphen.LANGUAGES_LOWERCASE["tr"] = "tr"  # what pyphen.language_fallback (used by WeasyPrint) looks up
    pyphen.hdcache[path] = TurkishHyphDict(path)  # Pyphen(lang="tr") reuses this cached dictionary for the path
    return path
