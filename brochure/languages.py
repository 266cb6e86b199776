"""Per-language data (fonts, quotes, locale) and CLDR formatting of figures through Babel."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Language:
    tag: str
    #: Babel locale identifier for CLDR data.
    locale: str
    #: `lang` written into the HTML: selects hyphenation patterns and OpenType `locl` forms.
    html_lang: str
    #: Font family (fontconfig sees only fonts/, so there is no fallback to system fonts).
    fonts: str
    #: The face (PDF font name, weight suffix aside) that must set the text: the right CJK glyph forms.
    face: str
    #: Python-Markdown smarty substitutions: double and single quotes.
    quotes: tuple[str, str, str, str]
    cjk: bool = False
    #: Money as "{amount}" and "{currency}"; the currency is CLDR's name unless overridden.
    money: str = "{amount} {currency}"
    currency_names: dict[str, str] = field(default_factory=dict)


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "en", "en-US", '"Noto Sans"', "Noto-Sans", ("“", "”", "‘", "’"),
                   money="{currency} {amount}", currency_names={"KRW": "KRW"}),
    "ko": Language("ko", "ko", "ko", '"Noto Sans CJK KR"', "Noto-Sans-CJK-KR", ("“", "”", "‘", "’"), cjk=True,
                   currency_names={"KRW": "원"}),
    "zh-Hans": Language("zh-Hans", "zh_Hans", "zh-Hans", '"Noto Sans CJK SC"', "Noto-Sans-CJK-SC", ("“", "”", "‘", "’"),
                        cjk=True, money="{amount}{currency}"),
    "ja": Language("ja", "ja", "ja", '"Noto Sans CJK JP"', "Noto-Sans-CJK-JP", ("「", "」", "『", "』"), cjk=True,
                   money="{amount}{currency}", currency_names={"KRW": "ウォン"}),
    "tr": Language("tr", "tr", "tr", '"Noto Sans"', "Noto-Sans", ("“", "”", "‘", "’"),
                   currency_names={"KRW": "won"}),
}

FIGURE_KINDS = ("count", "percent", "money", "month", "year")


def format_figure(kind: str, value: object, tag: str, currency: str | None = None) -> str:
    """Format one fact for a language from CLDR data; the kinds are those of facts.yaml."""
    from babel import Locale  # imported when rendering: commands that render nothing stay quick
    from babel.dates import format_skeleton
    from babel.numbers import format_compact_decimal, format_decimal, format_percent, get_currency_name
    language = LANGUAGES[tag]
    locale = Locale.parse(language.locale)
    if kind == "count":
        return format_decimal(value, locale=locale)  # type: ignore[arg-type]
    if kind == "percent":
        return format_percent(Decimal(str(value)), locale=locale, decimal_quantization=False)
    if kind == "year":
        return str(value)
    if kind == "month":
        year, month = str(value).split("-")
        return format_skeleton("yMMMM", datetime.date(int(year), int(month), 1), locale=locale)
    if kind == "money":
        style = "long" if "long" in locale.compact_decimal_formats else "short"
        amount = format_compact_decimal(value, format_type=style, fraction_digits=1, locale=locale)  # type: ignore[arg-type]
        name = language.currency_names.get(currency or "") or get_currency_name(currency or "", locale=locale)
        return language.money.format(amount=amount, currency=name).replace(" ", "\u00a0")
    raise ValueError(f"unknown figure kind {kind!r}")


def country_name(code: str, tag: str) -> str:
    from babel import Locale
    return str(Locale.parse(LANGUAGES[tag].locale).territories.get(code, code))
