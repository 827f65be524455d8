"""Units and Chinese number words.

Turns figures as Chinese documents write them (``533.3亿元``, ``近200亿元``, ``增长7倍多``, ``百分之二十``) into a
:class:`Quantity`: a value in base units (yuan, USD, m², mu, tonnes, counts, percent), the unit, a qualifier
(exact, at least, about, ...) and a kind (a level, a growth rate or a ratio).

Conventions (``data/CODEBOOK.md``, rules 3-5; the units and qualifiers with their Chinese words are defined once,
in :data:`analysis.vocab.UNIT` and :data:`analysis.vocab.QUALIFIER`):

* 万 = 10^4, 亿 = 10^8; money is stored in yuan (元) or USD (美元).
* 亩 stays mu; 平方米, 万方 (floor or operated area) and 公顷 (10^4 m²) become m².
* ``增长N倍`` is an *increase* of N × 100 %: a growth rate of ``N*100`` percent, not a ratio.
* A signed percent (``-2.5%``, ``+7.1%``, as spreadsheets and statistical tables write rates) is a growth rate, as
  are ``下降2.5%`` (-2.5) and ``增长13.7%``; ``下降-2.5%`` is refused as ambiguous.
  ``是…的N倍`` / ``为…的N倍`` / ``N倍于…`` is a *ratio* N. ``翻一番`` doubles (ratio 2), ``翻两番`` is ×4.
* Ranges: ``3-5家`` → value 3 (``at_least``) with ``upper`` 5.
* Ranks: ``第三`` / ``第3名`` → 3 (unit ``rank``).
* Qualifiers: 超/超过/突破/以上/不少于/不低于 → ``at_least``; 多/余 → ``more_than``; 约/左右 → ``about``;
  近 → ``just_under``; 以下/不超过 → ``at_most``; 达/达到 (reached) → ``exact``.
* Counts: 个, 家, 户 (firms in statistical bulletins), 支, 只, 宗, 幢, 栋, 条, 座, 次, 项, 批, 所, 片, 路, 桥, 台, 套, 辆, 件.
* The 约 in 签约 (to sign) is not "about": ``签约…`` is rejected rather than read as an approximation.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from .vocab import QUALIFIER, UNIT

__all__ = [
    "Quantity",
    "QuantityParseError",
    "parse_quantity",
    "parse_chinese_number",
    "format_quantity",
    "QUALIFIERS",
    "UNITS",
    "LOWER_BOUND_QUALIFIERS",
    "UPPER_BOUND_QUALIFIERS",
]

#: Qualifiers in the order of the codebook (:data:`analysis.vocab.QUALIFIER`).
QUALIFIERS = QUALIFIER.codes
#: Qualifiers under which the true figure is at least the stated one (超, 以上, 不少于, 多, 余).
LOWER_BOUND_QUALIFIERS = QUALIFIER.where(bound="lower")
#: Qualifiers under which the true figure is at most the stated one (近, 以下, 不超过).
UPPER_BOUND_QUALIFIERS = QUALIFIER.where(bound="upper")

#: Base units a Quantity can carry (:data:`analysis.vocab.UNIT`).
UNITS = UNIT.codes

COUNT_UNITS = UNIT.where(is_count=True)


class QuantityParseError(ValueError):
    """A figure could not be read: malformed number, unknown unit or contradictory words."""


@dataclass(frozen=True)
class Quantity:
    """A figure with its unit, qualifier and kind.

    Attributes
    ----------
    value : float
        The figure in base units (yuan, usd, m2, mu, km, tonne, count, person, person_time, percent, times).
    unit : str
        One of :data:`UNITS`.
    qualifier : str
        One of :data:`QUALIFIERS`.
    kind : str
        ``level`` (an amount), ``growth`` (a growth rate in percent: ``增长…``, ``下降…``, ``-2.5%``, ``+7.1%``) or
        ``ratio`` (``是…的N倍``).
    raw : str or None
        The text it was read from.
    upper : float or None
        Upper end of a range such as ``3-5家`` (then ``value`` is the lower end and ``qualifier`` is ``at_least``).
    """

    value: float
    unit: str
    qualifier: str = "exact"
    kind: str = "level"
    raw: str | None = None
    upper: float | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise QuantityParseError(f"unknown unit {self.unit!r}; expected one of {', '.join(UNITS)}")
        if self.qualifier not in QUALIFIERS:
            raise QuantityParseError(f"unknown qualifier {self.qualifier!r}; expected one of {', '.join(QUALIFIERS)}")
        if self.kind not in ("level", "growth", "ratio"):
            raise QuantityParseError(f"unknown kind {self.kind!r}; expected level, growth or ratio")

    @property
    def is_lower_bound(self) -> bool:
        """True when the true figure is at least ``value`` (超, 以上, 不少于, 多, 余)."""
        return self.qualifier in LOWER_BOUND_QUALIFIERS

    @property
    def is_upper_bound(self) -> bool:
        """True when the true figure is at most ``value`` (近, 以下, 不超过)."""
        return self.qualifier in UPPER_BOUND_QUALIFIERS

    def as_ratio(self) -> float:
        """The figure as a ratio current / base: growth ``g`` % gives ``1 + g/100``; a ratio is itself."""
        if self.kind == "ratio":
            return self.value
        if self.kind == "growth":
            return 1.0 + self.value / 100.0
        raise QuantityParseError(f"{self.raw or self!r} is a level, not a growth rate or ratio")

    def as_growth_pct(self) -> float:
        """The figure as growth in percent: a ratio ``r`` gives ``(r - 1) * 100``."""
        return (self.as_ratio() - 1.0) * 100.0


# --- numbers -------------------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL_UNITS)


def parse_chinese_number(text: str) -> int:
    """Read a Chinese numeral below 10,000 (``二十`` → 20, ``一百零五`` → 105, ``千`` → 1000).

    Parameters
    ----------
    text : str
        Digits 零〇一二两三四五六七八九 with the units 十百千.

    Returns
    -------
    int

    Raises
    ------
    QuantityParseError
        When ``text`` is empty or not a well-formed numeral.
    """
    if not text or any(ch not in _CN_CHARS for ch in text):
        raise QuantityParseError(f"{text!r} is not a Chinese numeral (expected characters of {_CN_CHARS})")
    total, digit, last_unit = 0, None, 10_000
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0 and _CN_DIGITS[ch] != 0:
                raise QuantityParseError(f"{text!r} is not a Chinese numeral: two digits in a row")
            digit = _CN_DIGITS[ch]
        else:
            unit = _CN_SMALL_UNITS[ch]
            if unit >= last_unit:
                raise QuantityParseError(f"{text!r} is not a Chinese numeral: {ch} out of order")
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit is not None:
        total += digit
    return total


_SCALES = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}

# unit word -> (base unit, factor), from the vocabulary's unit words. Longest words first when matching.
_UNIT_WORDS: dict[str, tuple[str, float]] = {w: (u.code, f) for u in UNIT for w, f in u.factors.items()}
_UNIT_WORDS_SORTED = sorted(_UNIT_WORDS, key=len, reverse=True)

# qualifier words before and after a figure, and between its number and its scale (多, 余), from the vocabulary
_PREFIX_QUALIFIERS = {w: q.code for q in QUALIFIER for w in q.before}
_SUFFIX_QUALIFIERS = {w: q.code for q in QUALIFIER for w in q.after}
_APPROX_WORDS = "".join(w for q in QUALIFIER for w in q.between)

_RANGE_RE = re.compile(r"^(?P<lo>\d+(?:\.\d+)?)[-－~～至到](?P<hi>\d+(?:\.\d+)?)(?P<rest>\D.*)$")
_NUM = r"(?P<num>\d+(?:\.\d+)?|[" + _CN_CHARS + r"]+)"
_LEVEL_RE = re.compile(
    _NUM + r"(?P<approx>[" + _APPROX_WORDS + r"])?(?P<scale>万亿|亿|万|千)?(?P<unit>.*)$"
)
_GROWTH_TIMES_RE = re.compile(r"^(?:同比)?(?:增长|增加|提高)了?(?P<num>\d+(?:\.\d+)?|[" + _CN_CHARS + r"]+)倍(?P<more>多|以上)?$")
_GROWTH_PCT_RE = re.compile(r"^(?:同比)?(?P<dir>增长|增加|提高|上升|下降|减少|增速达|增速为|增速)了?(?P<rest>.+)$")
_MINUS_SIGNS = "-－−"  # ASCII hyphen-minus, full-width hyphen-minus, U+2212 minus sign
_SIGNED_PCT_RE = re.compile(
    r"^(?P<sign>[" + re.escape("+＋" + _MINUS_SIGNS) + r"])(?P<num>\d+(?:\.\d+)?)[%％]$")
_RATIO_RE = re.compile(r"^(?:是|为|相当于).*的(?P<num>\d+(?:\.\d+)?|[" + _CN_CHARS + r"]+)倍(?P<more>多|以上)?$")
_RATIO_YU_RE = re.compile(r"^(?P<num>\d+(?:\.\d+)?|[" + _CN_CHARS + r"]+)倍于.+$")
_FAN_RE = re.compile(r"^翻(?P<num>[一两二三四五六七八九十\d]+)番(?P<more>多)?$")
_PERCENT_WORD_RE = re.compile(r"^百分之(?P<num>\d+(?:\.\d+)?|[" + _CN_CHARS + r"]+)(?:点(?P<dec>[" + "".join(_CN_DIGITS) + r"]+))?$")
_RANK_RE = re.compile(r"^第(?P<num>\d+|[" + _CN_CHARS + r"]+)(?:名|位)?$")
_FRACTION_RE = re.compile(r"^(?P<den>[" + _CN_CHARS + r"]+|\d+)分之(?P<num>[" + _CN_CHARS + r"]+|\d+)$")


def _number(text: str) -> float:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    return float(parse_chinese_number(text))


def _strip_qualifiers(text: str) -> tuple[str, str]:
    """Remove one prefix and/or suffix qualifier; return the rest and the qualifier."""
    qualifier = "exact"
    for word in sorted(_PREFIX_QUALIFIERS, key=len, reverse=True):
        if text.startswith(word):
            text, qualifier = text[len(word):], _PREFIX_QUALIFIERS[word]
            break
    for word, q in _SUFFIX_QUALIFIERS.items():
        if text.endswith(word):
            if qualifier != "exact" and qualifier != q:
                raise QuantityParseError(f"contradictory qualifiers ({qualifier} and {q})")
            text, qualifier = text[: -len(word)], q
            break
    return text, qualifier


def _parse_level(body: str, raw: str, qualifier: str, default_unit: str | None) -> Quantity:
    m = _SIGNED_PCT_RE.match(body)
    if m:  # a sign writes a change: -2.5% is a fall of 2.5 %, a growth rate
        sign = -1.0 if m.group("sign") in _MINUS_SIGNS else 1.0
        return Quantity(sign * _number(m.group("num")), "percent", qualifier, "growth", raw)
    if body.endswith(("%", "％")):
        value = _number_or_fail(body[:-1], raw)
        return Quantity(value, "percent", qualifier, "level", raw)
    m = _PERCENT_WORD_RE.match(body)
    if m:
        value = _number(m.group("num"))
        if m.group("dec"):
            value += float("0." + "".join(str(_CN_DIGITS[c]) for c in m.group("dec")))
        return Quantity(value, "percent", qualifier, "level", raw)
    m = _FRACTION_RE.match(body)
    if m:
        den, num = _number(m.group("den")), _number(m.group("num"))
        if den == 0:
            raise QuantityParseError(f"{raw!r}: a fraction with denominator 0")
        return Quantity(100.0 * num / den, "percent", qualifier, "level", raw)
    m = _RANK_RE.match(body)
    if m:
        return Quantity(_number(m.group("num")), "rank", qualifier, "level", raw)
    if body in ("一半", "半数"):
        return Quantity(50.0, "percent", qualifier, "level", raw)
    m = _RANGE_RE.match(body)
    if m:
        lo = _parse_level(m.group("lo") + m.group("rest"), raw, qualifier, default_unit)
        hi = _parse_level(m.group("hi") + m.group("rest"), raw, qualifier, default_unit)
        if hi.value < lo.value:
            raise QuantityParseError(f"{raw!r}: a range must run from low to high")
        if qualifier != "exact":
            raise QuantityParseError(f"{raw!r}: a range cannot carry a qualifier")
        return replace(lo, qualifier="at_least", upper=hi.value)
    m = _LEVEL_RE.match(body)
    if not m:
        raise QuantityParseError(f"{raw!r} does not start with a number (expected e.g. 533.3亿元, 近200亿元, 13.7%)")
    value = _number_or_fail(m.group("num"), raw)
    if m.group("approx"):
        if qualifier not in ("exact", "more_than"):
            raise QuantityParseError(f"{raw!r}: contradictory qualifiers ({qualifier} and more_than)")
        qualifier = "more_than"
    scale = _SCALES[m.group("scale")] if m.group("scale") else 1.0
    unit_word = m.group("unit")
    if unit_word and (unit_word[0].isdigit() or unit_word[0] in ".．"):
        raise QuantityParseError(f"{raw!r} is a malformed number (expected digits with at most one decimal point)")
    if unit_word.endswith(tuple(_APPROX_WORDS)) and not m.group("approx"):
        raise QuantityParseError(f"{raw!r}: 多/余 belongs between the number and the unit")
    if unit_word == "":
        if default_unit is None:
            raise QuantityParseError(f"{raw!r} has no unit; give default_unit (e.g. '亿元') for a bare number")
        scaled = _parse_level(m.group("num") + default_unit, raw, qualifier, None)
        return replace(scaled, value=scaled.value * scale)
    if unit_word not in _UNIT_WORDS:
        known = ", ".join(_UNIT_WORDS_SORTED)
        raise QuantityParseError(f"{raw!r}: unknown unit {unit_word!r} (expected one of {known}, or %)")
    unit, factor = _UNIT_WORDS[unit_word]
    value = value * scale * factor
    if unit in COUNT_UNITS:
        if abs(value - round(value)) > 1e-9:
            raise QuantityParseError(f"{raw!r}: a count must be a whole number, got {value}")
        value = float(round(value))
    return Quantity(_clean(value), unit, qualifier, "level", raw)


def _number_or_fail(text: str, raw: str) -> float:
    try:
        return _number(text)
    except QuantityParseError:
        raise QuantityParseError(f"{raw!r}: {text!r} is not a number") from None


def _clean(value: float) -> float:
    """Round away binary noise from scaling (533.3 * 1e8 -> 53330000000.0)."""
    if value == 0 or not math.isfinite(value):
        return value
    digits = 12 - int(math.floor(math.log10(abs(value))))
    return round(value, digits) if digits > 0 else float(round(value, digits))


def parse_quantity(text: str, default_unit: str | None = None) -> Quantity:
    """Read a figure as a Chinese document writes it.

    Parameters
    ----------
    text : str
        The figure with its scale, unit and qualifier words, e.g. ``533.3亿元``, ``6700万美元以上``, ``近200亿元``,
        ``13.7%``, ``-2.5%``, ``百分之二十``, ``增长7倍多``, ``下降2.5%``, ``是去年的3倍``, ``翻一番``. White space is
        ignored.
    default_unit : str, optional
        Unit words for a bare number, as a table header gives them (``亿元``, ``亩``).

    Returns
    -------
    Quantity
        Value in base units, unit, qualifier, kind (level, growth or ratio) and the raw text.

    Raises
    ------
    QuantityParseError
        For an empty or malformed figure, an unknown unit, contradictory qualifiers, a fractional count, or
        ``签约…`` (the 约 of 签约 is "sign", not "about": pass only the figure).

    Notes
    -----
    Scale: 万 = 10^4, 亿 = 10^8, 万亿 = 10^12. Area: 1 公顷 = 10^4 m², 1 平方公里 = 10^6 m², 1 万方 = 10^4 m²;
    亩 stays in mu (1 亩 = 10000/15 m²). Growth: ``增长N倍`` is ``N * 100`` percent (current = base × (1 + N));
    ``是…的N倍`` is the ratio N (current = base × N); ``翻N番`` is the ratio 2^N.

    Examples
    --------
    >>> parse_quantity("533.3亿元")
    Quantity(value=53330000000.0, unit='yuan', qualifier='exact', kind='level', raw='533.3亿元')
    >>> parse_quantity("增长7倍多").value, parse_quantity("增长7倍多").qualifier
    (700.0, 'more_than')
    """
    if not isinstance(text, str):
        raise QuantityParseError(f"expected a string figure, got {type(text).__name__}: {text!r}")
    raw = re.sub(r"\s+", "", text)
    if not raw:
        raise QuantityParseError("empty figure")
    if raw.startswith("签约"):
        raise QuantityParseError(f"{raw!r}: 签约 means 'signed', not 'about'; pass the figure without it")

    m = _GROWTH_TIMES_RE.match(raw)
    if m:
        q = "more_than" if m.group("more") == "多" else ("at_least" if m.group("more") else "exact")
        return Quantity(_clean(_number(m.group("num")) * 100.0), "percent", q, "growth", raw)
    m = _RATIO_RE.match(raw) or _RATIO_YU_RE.match(raw)
    if m:
        more = m.groupdict().get("more")
        q = "more_than" if more == "多" else ("at_least" if more else "exact")
        return Quantity(_number(m.group("num")), "times", q, "ratio", raw)
    m = _FAN_RE.match(raw)
    if m:
        n = _number(m.group("num"))
        return Quantity(2.0 ** n, "times", "more_than" if m.group("more") else "exact", "ratio", raw)
    m = _GROWTH_PCT_RE.match(raw)
    if m:
        rest, qualifier = _strip_qualifiers(m.group("rest"))
        level = _parse_level(rest, raw, qualifier, None)
        if level.unit != "percent":
            raise QuantityParseError(f"{raw!r}: a growth rate must be in percent or 倍, got {level.unit}")
        sign = -1.0 if m.group("dir") in ("下降", "减少") else 1.0
        if sign < 0 and level.value < 0:
            raise QuantityParseError(f"{raw!r}: a fall (下降/减少) of a negative rate is ambiguous; write 下降2.5% or -2.5%")
        return Quantity(sign * level.value, "percent", level.qualifier, "growth", raw)

    body, qualifier = _strip_qualifiers(raw)
    if not body:
        raise QuantityParseError(f"{raw!r} has a qualifier but no number")
    return _parse_level(body, raw, qualifier, default_unit)


# --- formatting (the inverse, for reports and round-trip tests) -----------------------------------------

_UNIT_OUT = {u.code: next(iter(u.factors)) for u in UNIT if u.factors}  # the first unit word: 元, 平方米, 个, 人
_PREFIX_OUT = {q.code: q.prefix for q in QUALIFIER if q.prefix}  # 超, 近, 约, 不超过


def format_quantity(q: Quantity, scale: str | None = None, digits: int = 2) -> str:
    """Write a Quantity back as Chinese text (``Quantity(5.333e10, 'yuan')`` → ``533.3亿元``).

    Parameters
    ----------
    q : Quantity
    scale : {'亿', '万', None}, optional
        Scale word to use; by default 亿 for money of 10^8 or more, 万 for 10^4 or more, none below.
    digits : int
        Decimal places kept (trailing zeros dropped).
    """
    if q.kind == "growth":
        if q.value % 100 == 0 and q.value >= 100 and q.qualifier in ("exact", "more_than", "at_least"):
            more = {"more_than": "多", "at_least": "以上"}.get(q.qualifier, "")
            return f"增长{_fmt(q.value / 100, digits)}倍{more}"
        return f"增长{_PREFIX_OUT.get(q.qualifier, '')}{_fmt(q.value, digits)}%"
    if q.kind == "ratio":
        return f"是基数的{_fmt(q.value, digits)}倍" + ("多" if q.qualifier == "more_than" else "")
    if q.unit == "percent":
        return f"{_PREFIX_OUT.get(q.qualifier, '')}{_fmt(q.value, digits)}%"
    if q.unit == "times":
        return f"{_fmt(q.value, digits)}倍"
    if scale is None:
        scale = "亿" if abs(q.value) >= 1e8 else ("万" if abs(q.value) >= 1e4 else "")
    factor = {"亿": 1e8, "万": 1e4, "": 1.0}[scale]
    more = QUALIFIER["more_than"].between[0] if q.qualifier == "more_than" else ""  # 余: 550余万元
    return f"{_PREFIX_OUT.get(q.qualifier, '')}{_fmt(q.value / factor, digits)}{more}{scale}{_UNIT_OUT[q.unit]}"


def _fmt(x: float, digits: int) -> str:
    s = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"
