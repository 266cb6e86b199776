"""Regenerate fonts/ from Debian's fonts-noto-cjk and fonts-noto-core (run by hand, not by the build).

Each CJK face is cut out of the Noto Sans CJK collection and subset to its language's repertoire
(Hangul + KS X 1001 Hanja for KR, JIS X 0208/0213 for JP, GB 2312 for SC, plus Latin and
punctuation). Its glyphs are then reordered, the characters of everyday text first: WeasyPrint
retains glyph IDs when it subsets, so every unused ID below the highest one a document uses
still costs bytes (metrics and an empty outline) in each PDF. With the common characters in
the first few thousand IDs, a CJK fact sheet embeds ~4 000 glyph slots instead of ~18 000.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

SOURCE = Path("/usr/share/fonts/opentype/noto")
COMMON = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2000, 0x2070), *range(0x20A0, 0x20C0),
          *range(0x2100, 0x2200), *range(0x2460, 0x2500), *range(0x25A0, 0x2600), *range(0x3000, 0x3040),
          *range(0xFF00, 0xFFF0), 0x2060, 0xFEFF, 0x00B7, 0x2190, 0x2192]


def codec_repertoire(codec: str, lead: range, trail: range) -> list[int]:
    chars = set()
    for a in lead:
        for b in trail:
            try:
                chars.update(ord(c) for c in bytes([a, b]).decode(codec))
            except UnicodeDecodeError:
                pass
    return sorted(chars)


REPERTOIRES = {
    "KR": [*range(0xAC00, 0xD7A4), *range(0x1100, 0x1200), *range(0x3130, 0x3190),
           *codec_repertoire("euc_kr", range(0xA1, 0xFF), range(0xA1, 0xFF))],
    "JP": [*range(0x3040, 0x3100), *range(0x31F0, 0x3200),
           *codec_repertoire("euc_jis_2004", range(0xA1, 0xFF), range(0xA1, 0xFF))],
    "SC": codec_repertoire("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF)),
}


#: Everyday characters per face, most common first: ASCII, Latin-1 and punctuation, then the first
#: level of each national standard (KS X 1001's 2,350 Hangul syllables, JIS X 0208 level 1 with
#: the kana, GB 2312 level 1). Korean text adds Hanja in parentheses to names: those Hanja that
#: are also common (JIS level 1) kanji come next. The rest of the repertoire follows.
_PUNCTUATION = [*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x2000, 0x2070), *range(0x3000, 0x3040)]
_JIS_LEVEL_1 = codec_repertoire("euc_jp", range(0xB0, 0xD0), range(0xA1, 0xFF))
EVERYDAY = {
    "KR": [*_PUNCTUATION, *codec_repertoire("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF)),
           *sorted(set(codec_repertoire("euc_kr", range(0xCA, 0xFE), range(0xA1, 0xFF))) & set(_JIS_LEVEL_1))],
    "JP": [*_PUNCTUATION, *range(0x3040, 0x3100), *range(0xFF00, 0xFFF0), *_JIS_LEVEL_1],
    "SC": [*_PUNCTUATION, *range(0xFF00, 0xFFF0), *codec_repertoire("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))],
}


#: GSUB features HarfBuzz applies to horizontal text by default.
DEFAULT_FEATURES = {"ccmp", "locl", "rlig", "calt", "clig", "liga"}


#: OpenType language system of each face's documents.
LANGUAGE_SYSTEMS = {"KR": "KOR ", "JP": "JAN ", "SC": "ZHS "}


def substitutes(font: TTFont, glyphs: dict[str, None], region: str) -> list[str]:
    """Glyphs the default features put in place of `glyphs` (digits set by Pango with the default
    language system get other glyphs through 'locl'): they must be near the front too."""
    found = []
    table = font["GSUB"].table
    features = set()
    for script in table.ScriptList.ScriptRecord:  # the language's own system and the default one
        systems = [record.LangSys for record in script.Script.LangSysRecord if record.LangSysTag == LANGUAGE_SYSTEMS[region]]
        for system in [*systems, script.Script.DefaultLangSys]:
            features.update(system.FeatureIndex if system is not None else ())
    for number in sorted(features):
        record = table.FeatureList.FeatureRecord[number]
        if record.FeatureTag not in DEFAULT_FEATURES:
            continue
        for index in record.Feature.LookupListIndex:
            lookup = table.LookupList.Lookup[index]
            for subtable in lookup.SubTable:
                subtable = subtable.ExtSubTable if lookup.LookupType == 7 else subtable
                for source, target in getattr(subtable, "mapping", {}).items():  # single and multiple
                    if source in glyphs:
                        found += [target] if isinstance(target, str) else target
                for first, ligatures in getattr(subtable, "ligatures", {}).items():
                    if first in glyphs:
                        found += [ligature.LigGlyph for ligature in ligatures]
    return found


def everyday_first(font: TTFont, region: str) -> None:
    """Give the everyday characters' glyphs, and what the default features substitute for them, the
    lowest IDs; the original order otherwise."""
    cmap = font.getBestCmap()
    order = font.getGlyphOrder()
    first = dict.fromkeys([order[0], *(cmap[c] for c in EVERYDAY[region] if c in cmap)])
    first.update(dict.fromkeys(substitutes(font, first, region)))
    new_order = [*first, *(name for name in order if name not in first)]
    top = font["CFF "].cff.topDictIndex[0]
    for name in order:  # bind every outline to its font dict (its subroutines) while the old order holds
        top.CharStrings[name]
    selector = list(top.FDSelect)
    reorderGlyphs(font, new_order)
    # reorderGlyphs leaves a CID font's FDSelect in the old order: each glyph would get another
    # glyph's font dict, hence wrong subroutines and widths.
    old_index = {name: index for index, name in enumerate(order)}
    top.FDSelect.gidArray = [selector[old_index[name]] for name in new_order]


def main(target: Path) -> None:
    for weight in ("Regular", "Bold"):
        collection = TTCollection(str(SOURCE / f"NotoSansCJK-{weight}.ttc"))
        for font in collection.fonts:
            family = font["name"].getDebugName(1)
            region = family.rsplit(" ", 1)[-1]
            if family != f"Noto Sans CJK {region}" or region not in REPERTOIRES:
                continue
            options = subset.Options()
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            options.name_languages = ["*"]
            options.notdef_outline = True
            options.hinting = False
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=COMMON + REPERTOIRES[region])
            subsetter.subset(font)
            everyday_first(font, region)
            font.recalcTimestamp = False  # the source's date: the same files on every run
            font.save(str(target / f"NotoSansCJK{region.lower()}-{weight}.otf"))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "fonts"))
