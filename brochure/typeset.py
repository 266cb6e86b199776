"""Language rules WeasyPrint lacks, applied to the text nodes of the final HTML."""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
HANGUL = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f"
# Breaks stay allowed next to these: the places a Korean word may be divided on purpose.
_BREAKABLE = set("-‐‑–—/ \u00a0\n\t")
_TAG = re.compile(r"(<[^>]*>)")
_ENTITY_OR_CHAR = re.compile(r"&#?\w+;|.", re.S)
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"


def keep_korean_words(text: str) -> str:
    """Join the characters of every word that contains Hangul with U+2060 (CSS keep-all)."""
    def join(word: str) -> str:
        if not re.search(f"[{HANGUL}]", word):
            return word
        tokens = _ENTITY_OR_CHAR.findall(word)
        out = [tokens[0]]
        for before, after in zip(tokens, tokens[1:]):
            if before not in _BREAKABLE and after not in _BREAKABLE:
                out.append(WORD_JOINER)
            out.append(after)
        return "".join(out)
    return re.sub(r"[^ \n\t\u00a0]+", lambda m: join(m.group(0)), text)


def space_cjk_latin(text: str) -> str:
    """Exactly one space between kana/Han and a Latin word; none beside digits (jlreq, clreq)."""
    text = re.sub(f"([{_CJK}])[ \u3000]*([A-Za-z])", r"\1 \2", text)
    text = re.sub(f"([A-Za-z])[ \u3000]*([{_CJK}])", r"\1 \2", text)
    return re.sub(f"(?<=[{_CJK}]) +(?=[0-9])|(?<=[0-9]) +(?=[{_CJK}])", "", text)


def join_interpuncts(text: str) -> str:
    """U+00B7 may start a line under UAX #14; keep it with the character before it."""
    return re.sub(r"(?<=\S)·", WORD_JOINER + "·", text)


def keep_figure(value: str, tag: str) -> str:
    """A formatted figure never breaks (2020年5月, 1558億ウォン); Korean words are joined anyway."""
    return WORD_JOINER.join(value) if tag in ("ja", "zh-Hans") else value


def join_dashes(text: str) -> str:
    """An em dash between words stays with the word before it: no line starts with one."""
    return re.sub(r"(?<=\S)—", WORD_JOINER + "—", text)


RULES = {
    "en": (join_dashes,),
    "tr": (join_dashes,),
    "ko": (keep_korean_words,),
    "ja": (space_cjk_latin, join_interpuncts),
    "zh-Hans": (space_cjk_latin, join_interpuncts),
}


def typeset(html: str, tag: str) -> str:
    """Apply the language's rules to text outside tags, <style> and <title>."""
    rules = RULES.get(tag, ())
    if not rules:
        return html
    parts = _TAG.split(html)
    skip = False
    for index, part in enumerate(parts):
        if index % 2:
            name = part[1:].split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name in ("style", "title", "script", "svg"):
                skip = True
            elif name in ("/style", "/title", "/script", "/svg"):
                skip = False
        elif not skip and part:
            for rule in rules:
                part = rule(part)
            parts[index] = part
    return "".join(parts)
