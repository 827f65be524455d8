"""Figures in a line of text: numbers with their scale, unit and qualifier words.

Candidate spans come from one compiled regular expression (a qualifier word, a number in digits or Chinese
numerals, 多/余, a scale 万/亿/千/万亿, a unit word of :data:`analysis.vocab.UNIT`, a trailing qualifier; also
percentages, ranks, growth rates and ratios). Each candidate is confirmed with
:func:`analysis.units.parse_quantity`, then the traps of the codebook are removed: dates, years, months, ordinals,
list numbers, phone numbers, slogans in quotation marks (四纵八横, 三共三创), number-like words (一批, 一体,
统一), size classes (亿元以上项目72个: the count is the figure, not 亿元以上). Ranges (3-5家, 两三个) are read as
their lower end (``at_least``, ``upper`` set, ``uncertain``); the "2023" artefacts of a damaged text (202300亩,
新投产企业2023家, 1-2023月) are flagged ``damaged`` with no value, never repaired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..units import Quantity, QuantityParseError, parse_quantity
from ..vocab import QUALIFIER, UNIT

__all__ = ["Figure", "find_figures"]


@dataclass(frozen=True)
class Figure:
    """One figure found in a line.

    Attributes
    ----------
    start, end : int
        Character offsets of ``text`` in the line (``line[start:end] == text``).
    text : str
        The span as it stands in the line (spaces kept).
    raw : str
        The figure as the dataset's ``raw`` column writes it: ``text`` with white space removed, including its
        qualifier words (超10.5亿元, 95%以上, 近200亿元), so that ``parse_quantity(raw)`` gives value, unit and
        qualifier back (for a damaged figure it does not).
    value : float or None
        In base units (yuan, usd, m2, mu, count, percent, ...); None for a damaged figure.
    unit : str or None
        A code of :data:`analysis.vocab.UNIT`.
    qualifier : str
        A code of :data:`analysis.vocab.QUALIFIER` (exact, at_least, more_than, about, just_under, at_most).
    kind : str
        ``level``, ``growth`` (a growth rate in percent) or ``ratio``.
    upper : float or None
        Upper end of a range (2-3家 → value 2, qualifier at_least, upper 3).
    quality : str
        ``ok``, ``uncertain`` or ``damaged``.
    note : str
        Why the figure is uncertain or damaged ('' otherwise).
    """

    start: int
    end: int
    text: str
    raw: str
    value: float | None
    unit: str | None
    qualifier: str = "exact"
    kind: str = "level"
    upper: float | None = None
    quality: str = "ok"
    note: str = ""


# --- the candidate pattern ---------------------------------------------------------------------------------

_CN = "零〇一二两三四五六七八九十百千"
_DIGITS = r"\d+(?:\.\d+)?"
_UNIT_WORDS = sorted({w for u in UNIT for w in u.factors} | {"%", "％"}, key=len, reverse=True)
#: unit words read only after digits (二十七桥 is a bridge's name, 三方 a party, 一片 a word)
_DIGIT_ONLY_UNITS = frozenset({"路", "桥", "片", "方", "所", "批", "台", "套", "件"})
_UNIT_RE = "|".join(re.escape(w) for w in _UNIT_WORDS)
_BEFORE = sorted({w for q in QUALIFIER for w in q.before} | {"超过", "达到"}, key=len, reverse=True)
_AFTER = sorted({w for q in QUALIFIER for w in q.after}, key=len, reverse=True)
_BETWEEN = "".join(w for q in QUALIFIER for w in q.between)
_CN_RANGES = ("一二", "两三", "二三", "三四", "三五", "四五", "五六", "六七", "七八", "八九")
_S = r"[ \t\u3000]*"  # spaces inside a figure, as flattened tables write them (14 个, 5 万平方米)

_LEVEL = (
    r"(?P<pre>" + "|".join(_BEFORE) + r")?" + _S
    + r"(?P<num>(?P<grouped>\d{1,3}(?:,\d{3})+(?:\.\d+)?)"  # 1,234家
    + r"|(?:" + _DIGITS + r")(?:" + _S + r"[-－~～]" + _S + _DIGITS + r")?"  # 13.7, 3-5
    + r"|(?P<cnr>" + "|".join(_CN_RANGES) + r")"  # 两三个
    + r"|[" + _CN + r"]+)"  # 两个, 千 (of 超千万元)
    + r"(?P<approx>[" + _BETWEEN + r"])?" + _S
    + r"(?P<scale>万亿|亿|万|千)?" + _S
    + r"(?P<unit>" + _UNIT_RE + r")"
    + r"(?P<post>" + _S + r"(?:" + "|".join(_AFTER) + r"))?"
)
_GROWTH = (
    r"(?P<g>(?:同比)?(?:增长|增加|提高|上升|下降|减少|增速(?:达到|达|为)?)了?" + _S
    + r"(?:超过|超|近|约|达到|达)?" + _S
    + r"(?:[+＋\-－−]?" + _DIGITS + _S + r"[%％]|" + _DIGITS + r"倍(?:多|以上)?|[" + _CN + r"]+倍(?:多|以上)?)"
    + r"(?:以上|左右)?)"
)
_RATIO = (r"(?P<r>(?:是|为|相当于)[^，。；,;！？、\d]{0,12}?的(?:" + _DIGITS + r"|[" + _CN + r"]+)倍(?:多|以上)?"
          + r"|翻[一两二三四五六七八九十\d]+番多?)")
_RANK = (r"(?:排名|排|位居|位列|居|列)(?:全国|全省|全市|全区|全县|省|市|区|县)?(?:排名)?"
         r"(?P<rank>第(?:\d+|[一二三四五六七八九十]+)(?:名|位)?)")
_PCT_WORD = (r"(?P<pw>(?:不少于|不低于|超过|超|近|约)?(?:百分之(?:" + _DIGITS + r"|[" + _CN + r"]+)(?:点[零一二三四五六七八九]+)?"
             r"|[" + _CN + r"]+分之[" + _CN + r"]+|一半|半数)(?:以上|左右)?)")
_SIGNED = r"(?P<sp>(?<![\dA-Za-z.．])[+＋\-－−]" + _DIGITS + r"[%％])"

_CANDIDATE = re.compile(
    "|".join([_GROWTH, _RATIO, _RANK, _SIGNED, _PCT_WORD, r"(?<![\d.．A-Za-z\-－/:：])" + _LEVEL])
)

# --- traps ---------------------------------------------------------------------------------------------------

#: words where 约 is not "about" (签约 to sign, 预约 to book, 制约, 节约, 约谈 ...)
_NOT_ABOUT_BEFORE = set("签预制节契合邀特履违婚")
#: two-character words a unit character begins (1 台州湾 is a row number and a place, not 1 machine)
_UNIT_WORD_TRAPS = ("台州", "台湾", "台账", "条件", "条例", "项目", "所有", "所以", "所在", "所属", "片区", "方面",
                    "方案", "方式", "方法", "方向", "名单", "名称", "次要", "户籍", "宗旨", "路线", "路径", "元素",
                    "家居", "家庭", "家具", "支持", "支付", "支出", "只有", "只是", "个别", "个体", "个百分点",
                    "个方面", "个月", "个小时", "个工作日", "次日", "件事", "批准", "批复", "人民", "套餐", "条线")
#: characters before a Chinese numeral that make it part of a word (统一, 进一步, 唯一, 之一, 十四届十次)
_CN_WORD_BEFORE = set("统进唯万之第每逐专单同届初首其周星")
_COUNT_UNITS = UNIT.where(is_count=True)
_COUNT_AFTER = re.compile(r"[\u4e00-\u9fff（）()]{1,12}?" + _S + r"\d+" + _S
                          + r"(?:个|家|项|宗|支|只|条|座|所)")
_COUNT_BEFORE = re.compile(r"\d+" + _S + r"(?:个|家|项)" + r"[\u4e00-\u9fff]{0,3}$")
_YEARISH = re.compile(r"20(?:1[5-9]|2\d|3[0-5])")  # recent years, as a damaged text pastes them
_HEADING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)")
_SENTENCE_END = re.compile(r"[。；;！？!?]")


@lru_cache(maxsize=65536)
def _parse(raw: str) -> Quantity | None:
    """parse_quantity, cached (long documents repeat their figures); None when the parser refuses."""
    try:
        return parse_quantity(raw)
    except QuantityParseError:
        return None


def _in_quotes(line: str, pos: int) -> bool:
    """True when ``pos`` is inside a short quotation with no sentence punctuation (“四纵八横”, “三年千亩百万…”):
    a slogan. Quoted speech (“…村集体年营收可新增超千万元。”) is not."""
    opened = -1
    for i in range(pos - 1, max(-1, pos - 40), -1):
        ch = line[i]
        if ch in "”」』〞":
            return False
        if ch in "“「『":
            opened = i
            break
    if opened < 0:
        return False
    close = re.search(r"[”」』〞]", line[pos:pos + 40])
    if close is None:
        return False
    inner = line[opened + 1:pos + close.start()]
    return len(inner) <= 24 and not re.search(r"[，,。；;！？!?]", inner)


def _damaged(m: re.Match, raw: str) -> str:
    """Why a level candidate is a "2023" artefact of a damaged text ('' when it is not).

    Two shapes, as document 004 shows them: a count that is a recent year (新投产企业2023家: 2015-2035 with a
    count unit), and a year pasted before a number of land or items (202300亩: six digits or more that begin with
    such a year, no scale word). A real count of 2023 firms is flagged too: the price of never repairing.
    """
    num = re.sub(r"\s", "", m.group("num"))
    code = _unit_code(m.group("unit"))
    if not num.isdigit() or m.group("scale"):
        return ""
    if _YEARISH.fullmatch(num) and code in _COUNT_UNITS:
        return f"a year ({num}) stands where the count should be ({raw}); not repaired"
    year = _YEARISH.match(num)
    if len(num) >= 6 and year and code in ("mu", "count"):
        return f"the string {year.group()} is pasted into the number ({raw}); not repaired"
    return ""


@lru_cache(maxsize=None)
def _unit_code(word: str) -> str | None:
    for u in UNIT:
        if word in u.factors:
            return u.code
    return "percent" if word in ("%", "％") else None


_DAMAGED_DATE = re.compile(r"(?<!\d)(?:\d{1,2}-)?(20[12]\d)月(?:(?:\d{1,4})日)?|(?<!\d)\d{1,2}月(20[12]\d)日")


def _damaged_dates(line: str) -> list[Figure]:
    """Month or day numbers replaced by a year (1-2023月, 2023月26日): damaged, no unit, no value."""
    return [Figure(m.start(), m.end(), m.group(), m.group(), None, None, quality="damaged",
                   note=f"a year stands where a month or day should be ({m.group()}); not repaired")
            for m in _DAMAGED_DATE.finditer(line)]


def _level(line: str, m: re.Match) -> Figure | None:
    """A level candidate to a Figure, or None when it is a trap."""
    start, end = m.start(), m.end()
    text = line[start:end]
    num, unit, pre = m.group("num"), m.group("unit"), m.group("pre")
    chinese = num[0] in _CN
    before = line[start - 1] if start else ""
    after = line[end:end + 4]
    if pre == "约" and before in _NOT_ABOUT_BEFORE:  # 签约100亿元: 约 is part of 签约
        start += 1
        text, pre = line[start:end], None
    num_start = m.start("num")
    rest = line[m.start("unit"):m.start("unit") + 5]
    if not m.group("post") and any(rest.startswith(w) for w in _UNIT_WORD_TRAPS):
        return None
    if line[m.end("unit"):m.end("unit") + 1] == unit[-1] and len(unit) == 1:  # 一项项, 一个个
        return None
    if line[m.end("unit"):m.end("unit") + 1] == "级":  # 百亿元级产业集群: a size class
        return None
    before_num = line[num_start - 1] if num_start else ""
    if chinese:
        if unit in _DIGIT_ONLY_UNITS or before_num in _CN_WORD_BEFORE or _in_quotes(line, num_start):
            return None
        if num == "一" and _in_enumeration(line, num_start, m.end()):
            return None
        if unit == "次" or (_HEADING.match(line) and len(line.strip()) < 40):  # 二次创业, 每日两次; (一)坚持三个定位
            return None
    if before_num == "第" or (before_num and before_num in "、" and num_start >= 2 and line[num_start - 2] == "第"):
        return None
    raw = re.sub(r"\s+", "", text)
    if m.group("grouped"):  # 1,234家: thousands separators dropped so that the parser reads the figure
        raw = raw.replace(",", "")
    reason = _damaged(m, raw)
    if reason:
        return Figure(start, end, text, raw, None, _unit_code(unit), quality="damaged", note=reason)
    if m.group("cnr"):  # 两三个: a range in Chinese numerals, written back in digits so that the parser reads it
        lo, hi = (_parse(c + unit) for c in m.group("cnr"))
        if lo is None or hi is None or m.group("approx") or m.group("scale"):
            return None
        raw = f"{lo.value:g}-{hi.value:g}{unit}"
    q = _parse(raw)
    if q is None:
        return None
    if q.unit in ("yuan", "usd") and _size_class(line, m, q):
        return None
    if q.upper is not None:
        note = (f"range {text.strip()}: lower end recorded" if not m.group("cnr")
                else f"range {text.strip()} (written {raw}): lower end recorded")
        return Figure(start, end, text, raw, q.value, q.unit, q.qualifier, q.kind, q.upper, "uncertain", note)
    return Figure(start, end, text, raw, q.value, q.unit, q.qualifier, q.kind)


def _in_enumeration(line: str, start: int, end: int) -> bool:
    """一个…、一名…、一套…: a slogan listing one of each thing (not a figure)."""
    window = line[max(0, start - 12):end + 12]
    return len(re.findall(r"一(?:个|名|支|只|套|条|家|项)", window)) >= 2 and "、" in window


def _size_class(line: str, m: re.Match, q: Quantity) -> bool:
    """亿元以上 / 10亿元以上 next to a count (亿元以上项目72个, 72个亿元以上项目): a size class, not an amount."""
    if q.qualifier != "at_least":
        return False
    return bool(_COUNT_AFTER.match(line, m.end()) or _COUNT_BEFORE.search(line[:m.start()]))


def _other(line: str, m: re.Match) -> Figure | None:
    """A growth, ratio, rank, signed-percent or percent-word candidate to a Figure."""
    group = next(g for g in ("g", "r", "rank", "sp", "pw") if m.group(g))
    start, end = m.span(group)
    text = line[start:end]
    raw = re.sub(r"\s+", "", text)
    q = _parse(raw)
    if q is None:
        return None
    if group == "pw" and _in_quotes(line, start):
        return None
    return Figure(start, end, text, raw, q.value, q.unit, q.qualifier, q.kind, q.upper)


def find_figures(line: str) -> list[Figure]:
    """The figures in ``line``, left to right, the traps left out.

    Parameters
    ----------
    line : str
        One line of plain text.

    Returns
    -------
    list of Figure
        Levels (money in yuan or USD, counts, areas, tonnes, percent), growth rates (``kind='growth'``, percent),
        ratios (``kind='ratio'``) and ranks (unit ``rank``); damaged figures with ``quality='damaged'`` and no
        value. A damaged month or day (1-2023月) is returned with no unit.

    Examples
    --------
    >>> [f.raw for f in find_figures("全市签约亿元以上产业项目 25 个,其中 10 亿元以上产业项目 5 个")]
    ['25个', '5个']
    """
    found: list[Figure] = []
    damaged_dates = _damaged_dates(line)
    for m in _CANDIDATE.finditer(line):
        fig = _level(line, m) if m.group("unit") else _other(line, m)
        if fig is not None and not any(d.start <= fig.start < d.end for d in damaged_dates):
            found.append(fig)
    found.extend(damaged_dates)
    found.sort(key=lambda f: f.start)
    return [f for f in found if not _lone_one(line, f, found)]


def _lone_one(line: str, fig: Figure, found: list[Figure]) -> bool:
    """一个 / 一名 with no other figure in its sentence is an article (建立起一个…平台), not a count."""
    if fig.raw[:1] != "一" or fig.unit not in _COUNT_UNITS:
        return False
    starts = [m.end() for m in _SENTENCE_END.finditer(line, 0, fig.start)]
    lo = starts[-1] if starts else 0
    m = _SENTENCE_END.search(line, fig.end)
    hi = m.start() if m else len(line)
    return not any(f is not fig and f.value is not None and lo <= f.start < hi for f in found)
