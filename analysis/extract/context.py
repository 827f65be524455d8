"""What a figure's sentence says about it: status, period, measure, growth, indicator, region and entity.

Each reader looks at the text of the line around one :class:`~analysis.extract.figures.Figure` (its clause, the
part of the clause since the previous figure, or its sentence) and returns a code of the project's vocabularies
(:data:`analysis.vocab.OBSERVATION_STATUS`, :data:`analysis.vocab.MEASURE`) or a period in the codebook's grammar.
The words that decide are data here, in one place each; the rules are those of ``data/CODEBOOK.md`` (6: status,
7: period) and of issue 10.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass

import pandas as pd

from .figures import Figure

__all__ = [
    "STATUS_WORDS",
    "PAST_PLAN",
    "heading_year",
    "heading_period",
    "section_years",
    "section_periods",
    "sentence_span",
    "clause_span",
    "status_of",
    "SectionStatus",
    "heading_level",
    "without_attainment",
    "is_attainment",
    "sentence_opening",
    "measure_of",
    "period_of",
    "period_in",
    "title_period",
    "month_end_date",
    "attach_growth",
    "IndicatorMatcher",
    "GENERIC_TERMS",
    "region_of",
    "entity_of",
]

_SENTENCE_END = re.compile(r"[。；;！？!?]")
_CLAUSE_END = re.compile(r"[，,。；;！？!?：:]")
_FULL_STOP = re.compile(r"[。！？!?]")

#: Words that make a figure a target, plan or forecast (codebook rule 6), nearest before the figure wins.
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "target": ("力争", "目标", "确保", "争取", "任务"),
    "plan": ("计划", "安排", "拟", "设立", "将"),
    "forecast": ("预计", "预期", "可达", "可新增", "可实现"),
    "actual": ("已", "累计", "目前", "截至", "以来", "争取到", "新设立", "已设立", "新设", "新成立", "已成立"),
}
#: Words that report one more act of the same kind (另设立天使投资基金): they do not decide a status themselves
#: (the word before them does, else the section's), but keep 设立 inside them from reading as a plan.
CONTINUING_WORDS = ("另设立", "另设", "又设立", "再设立", "同时设立", "另成立")
#: Words of a project's specification (建设内容包括新建厂房4幢): a plan.
_PLAN_SPEC = ("建设内容", "新建")
#: A plan verb marked as done (累计设立, 已安排, 先后组建, 完成设立): an act reported, not a plan (actual).
PAST_PLAN = re.compile(r"(?:累计|已经|已|先后|陆续|共|完成)(?:设立|组建|成立|安排)")
_STATUS_RE = re.compile(PAST_PLAN.pattern + "|" + "|".join(
    sorted([w for ws in STATUS_WORDS.values() for w in ws] + list(CONTINUING_WORDS), key=len, reverse=True)))
_STATUS_OF = {w: s for s, ws in STATUS_WORDS.items() for w in ws}
#: Heading markers by level: 一、 > （一） > 1. / 1、 > （1）.
_HEADINGS = ((1, re.compile(r"^\s*[一二三四五六七八九十]+、")), (2, re.compile(r"^\s*[（(][一二三四五六七八九十]+[)）]")),
             (3, re.compile(r"^\s*\d{1,2}\s*[.、．](?!\d)")), (4, re.compile(r"^\s*[（(]\d{1,2}[)）]")))
#: The share of an annual target a figure reached (完成全年目标的60.3%, 占全年目标的55%): its 目标 and 全年 are the
#: target's, not the figure's (which is an actual share of the period reported).
_ATTAINMENT = re.compile(r"(?:完成|达到|占|为)(?:全年|年度|年)?(?:目标|计划|任务)(?:任务)?的?\s*$")


def sentence_span(line: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the sentence (between 。；！？) holding ``line[start:end]``."""
    ends = [m.end() for m in _SENTENCE_END.finditer(line, 0, start)]
    m = _SENTENCE_END.search(line, end)
    return (ends[-1] if ends else 0), (m.start() if m else len(line))


def sentence_opening(line: str, start: int) -> str:
    """The opening phrase (up to its first comma, semicolon or colon) of the full sentence (between 。！？, across
    ；) holding offset ``start``, when it lies before the ；-part holding ``start``; else ''.

    A period word opening a sentence (上半年,全县完成…;民间投资下降3.1%。) holds for the whole sentence.
    """
    ends = [m.end() for m in _FULL_STOP.finditer(line, 0, start)]
    full_lo = ends[-1] if ends else 0
    lo, _ = sentence_span(line, start, start)
    if lo <= full_lo:
        return ""
    m = re.compile(r"[，,；;：:]").search(line, full_lo, lo)
    return line[full_lo:m.start() if m else lo]


def clause_span(line: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of the clause (between commas, colons and sentence ends) holding ``line[start:end]``."""
    ends = [m.end() for m in _CLAUSE_END.finditer(line, 0, start)]
    m = _CLAUSE_END.search(line, end)
    return (ends[-1] if ends else 0), (m.start() if m else len(line))


def heading_level(line: str) -> int | None:
    """Level of a heading line (一、 → 1, （一） → 2, 1. or 1、 → 3, （1） → 4), None when the line is no heading."""
    return next((level for level, rx in _HEADINGS if rx.match(line)), None)


def _heading_status(line: str, level: int) -> str | None:
    """The status a heading's own words give the lines under it (目标 → target; 完成情况 → actual), else None.

    A numbered heading of level 3 or 4 (1、…) counts only when it is short and has no sentence in it: a long
    numbered paragraph is a list item, not a heading.
    """
    head = line.strip()[:20]
    if level >= 3 and (len(line.strip()) > 30 or re.search(r"[。；;，,]", line)):
        return None
    if re.search(r"目标|思路|打算|计划|任务", head):
        return "target"
    if re.search(r"完成情况|以来|总结|成效", head):
        return "actual"
    if re.search(r"举措|措施|安排", head):
        return "plan"
    return None


class SectionStatus:
    """The default status of the lines under the headings read so far.

    A heading whose words give a status (二、目标任务 → target) sets it for the lines under it; a new heading of
    the same or a higher level ends it (三、下半年目标 is a target section, 四、存在问题 after it is not), and
    the lines under a heading without such words inherit the status of the headings above it, else the
    document's default.

    Parameters
    ----------
    default : str
        The document's status (``plan`` for a plan, else ``actual``).
    """

    def __init__(self, default: str = "actual") -> None:
        self.default = default
        self._open: list[tuple[int, str | None]] = []  # (level, status) of the headings in force

    @property
    def current(self) -> str:
        """The status in force: that of the innermost heading that gives one, else the default."""
        return next((st for _, st in reversed(self._open) if st), self.default)

    def read(self, line: str) -> str:
        """Take one line (a heading changes the status in force) and return the status in force after it."""
        level = heading_level(line)
        if level is not None:
            self._open = [(lv, st) for lv, st in self._open if lv < level]
            self._open.append((level, _heading_status(line, level)))
        return self.current


#: Words of a heading that name its year relative to the year published (二、明年工作打算, 一、过去一年工作回顾).
_HEADING_YEAR_WORDS = (("过去一年", -1), ("去年", -1), ("上年", -1), ("今年", 0), ("本年", 0), ("明年", 1), ("来年", 1))


def heading_period(line: str, published: str | None) -> tuple[int | None, str | None]:
    """The year a heading names for the lines under it, and the part of that year when it names one:
    一、2024年工作回顾 → (2024, None); 二、明年工作打算 → (the year published + 1, None); 一、2023年上半年工作回顾 →
    (2023, '2023-01/2023-06'); (None, None) for no heading, no year, a span of years (2021-2025年) or a period up
    to now (2023年以来: the figures' own words date those). Only the heading's title counts: its words up to the
    first sentence mark, at most 20 characters (a numbered paragraph is no heading of a year)."""
    level = heading_level(line)
    if level is None or (level >= 3 and (len(line.strip()) > 30 or re.search(r"[。；;，,]", line))):
        return None, None
    title = re.split(r"[。；;，,：:]", line.strip())[0][:20]
    if _YEAR_RANGE.search(title) or "以来" in title:
        return None, None
    years = _YEAR.findall(title)
    year = int(years[0]) if years else None
    if year is None and published:
        year = next((int(published[:4]) + d for w, d in _HEADING_YEAR_WORDS if w in title), None)
    if year is None:
        return None, None
    part = any(w.group(g) for w in _PERIOD_WORDS.finditer(title) for g in ("fq", "q", "h", "ytd", "end"))
    return year, (period_in(title, f"{year}") if part else None)


def heading_year(line: str, published: str | None) -> int | None:
    """The year a heading names for the lines under it (:func:`heading_period`), else None."""
    return heading_period(line, published)[0]


def section_years(lines: list[str], published: str | None) -> list[int | None]:
    """The year in force on each line (:func:`section_periods`)."""
    return [year for year, _ in section_periods(lines, published)]


def section_periods(lines: list[str], published: str | None) -> list[tuple[int | None, str | None]]:
    """The (year, part of the year) in force on each line: that of the innermost heading above it that names a
    year (:func:`heading_period`), until the next heading of the same or a higher level; (None, None) where no
    heading does.

    Under 一、2024年工作回顾 the figures are 2024's (全年引进项目31个 → 2024) in a report published in 2025;
    二、2025年主要目标 gives 2025 to its own section; under 一、2023年上半年工作回顾 an actual flow with no period
    word of its own is 2023-01/2023-06's.
    """
    open_: list[tuple[int, tuple[int | None, str | None]]] = []
    out: list[tuple[int | None, str | None]] = []
    for line in lines:
        level = heading_level(line)
        if level is not None:
            open_ = [(lv, yp) for lv, yp in open_ if lv < level] + [(level, heading_period(line, published))]
        out.append(next((yp for _, yp in reversed(open_) if yp[0] is not None), (None, None)))
    return out


def without_attainment(text: str) -> str:
    """``text`` (the words before a figure) without a closing 完成全年目标的 (the target's words, not the figure's)."""
    return _ATTAINMENT.sub("", text)


def is_attainment(text: str) -> bool:
    """Whether the words before a figure make it the share of a target attained (完成全年目标的60.3%)."""
    return bool(_ATTAINMENT.search(text))


def status_of(line: str, fig: Figure, default: str = "actual") -> str:
    """Status of a figure: the nearest status word before it in its sentence, else ``default``.

    Outcome words (完成, 实现) do not decide: the section's default does (全年实现工业性投入12亿元 under a heading
    of next year's 工作思路 is a target), and a target word wins over them (力争全年完成有效投资15亿元). The
    target's words of an attainment share (完成全年目标的60.3%) and words of one more act (另设立) do not decide
    either; 新设立/已设立 is an act done (actual), not the plan 设立 is, and so is any plan verb right after a word
    of the past (累计设立, 已安排, 先后组建: :data:`PAST_PLAN`).
    """
    lo, _ = sentence_span(line, fig.start, fig.end)
    before = without_attainment(line[lo:fig.start])
    hits = ["actual" if PAST_PLAN.fullmatch(m.group()) else _STATUS_OF[m.group()]
            for m in _STATUS_RE.finditer(before) if m.group() in _STATUS_OF or PAST_PLAN.fullmatch(m.group())]
    if hits:
        return hits[-1]
    if any(w in before for w in _PLAN_SPEC):
        return "plan"
    return default


_MONEY_LIKE = ("yuan", "usd", "percent", "times", "rank")
_EVENT_WORDS = re.compile(r"签约|开工|投产|新增|新入|入驻|入区|开展|走访|发行|评估|落户|供地|出让|放款|攻坚|引进|招引|"
                          r"联审|办理|收储|验收|获得|贷款|填筑|开挖|报批|启动|完工|谋划|解决|对接|衔接|竣工|建成|新设")


def measure_of(line: str, fig: Figure) -> str:
    """What the figure measures over its period.

    ``cumulative`` for 累计, 先后 and YYYY年以来; ``stock`` for 目前/现有/已有/拥有/截至; money, rates and ranks
    are ``flow``; a count, area or capacity is a ``flow`` where an event word names what happened in the period
    (签约, 开工, 投产, 新增, 供地, 出让 ...), else a ``stock`` (25个重点项目, 新建厂房4幢, 年产10万吨).
    """
    lo, _ = sentence_span(line, fig.start, fig.end)
    before = line[lo:fig.start]
    if "累计" in before or "先后" in before or re.search(r"\d{4}\s*年以来", before):
        return "cumulative"
    if re.search(r"目前|现有|已有|拥有|截至", before):
        return "stock"
    if fig.unit in _MONEY_LIKE or fig.kind == "growth":
        return "flow"
    c_lo, c_hi = clause_span(line, fig.start, fig.end)
    return "flow" if _EVENT_WORDS.search(line, c_lo, c_hi) else "stock"


_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年(?!\s*\d{1,2}\s*月\s*\d)")
_YEAR_RANGE = re.compile(r"(?<!\d)(\d{4})\s*[-—–~至]\s*(\d{4})\s*年")
_PERIOD_WORDS = re.compile(
    r"(?P<fq>前(?P<fqn>[一二三])季度)|(?P<q>第?(?P<qn>[一二三四1-4])季度)|(?P<h>[上下]半年)|(?P<ytd>(?<!\d)1\s*[-－—~至]\s*(?P<m>\d{1,2})\s*月)"
    r"|(?P<since>今年以来|年初以来)|(?P<this>全年|今年|年内|本年|年底|年末)|(?P<last>去年|过去一年|(?<![比较])上年)"
    r"|(?P<past>过去(?P<pn>[二两三四五六七八九十]|\d{1,2})年)"
    r"|(?P<next>明年|来年)|(?P<end>(?<!\d)(?P<em>\d{1,2})\s*月(?:底|末|份))")
_QN = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def period_of(line: str, fig: Figure, published: str | None, measure: str = "flow", status: str = "actual",
              default: str | None = None, context_year: int | None = None) -> str:
    """Period of a figure from the document's date and the words before it in its sentence (codebook rule 7).

    一季度 → YYYYQ1, 上半年 and 1-6月 → YYYY-01/YYYY-06, 今年以来 → YYYY-01/YYYY-MM (the month published),
    全年/今年/年内 → YYYY, 去年/上年/过去一年 → YYYY-1, 过去五年 → YYYY-5/YYYY-1, 明年 → YYYY+1 (YYYY the year
    published); a stock with no word → the date published as given; otherwise the year of the section
    (``context_year``, :func:`section_years`: under 一、2024年工作回顾 the figures are 2024's), else the year published.
    ``unknown`` when the document's date is unknown and the text names no year, and for a forecast of what a
    project will do once it runs (投产后预计…, 建成后…预计, 预计年产值可达…: an annual figure of a year not stated);
    any other forecast (预计规上工业增加值增长7%) takes the period of its context.
    The words looked at are those before the figure in its ；-part, after the opening phrase of its full sentence
    (上半年,…;民间投资下降3.1%: 上半年 holds to the 。), without the target's words of an attainment share
    (1-6月…,完成全年目标的60.3%: 1-6月). ``default`` (the period a document's title names, :func:`title_period`)
    is that of an actual flow whose sentence names no period and no year (and whose section names no other year).
    """
    lo, _ = sentence_span(line, fig.start, fig.end)
    opening = sentence_opening(line, fig.start)
    before = (opening + "，" if opening else "") + without_attainment(line[lo:fig.start])
    return period_in(before, published, measure, status, default, context_year)


#: A forecast of what a project does once it runs (投产后预计, 建成后…预计, 达产后): a year not stated.
_AFTER_RUNNING = re.compile(r"(?:投产|达产|建成|竣工|完工|运营|达效)后")
#: A forecast of an annual rate (预计年产值可达, 年营收可新增): the year it is reached is not stated.
_ANNUAL_RATE = re.compile(r"(?<![全今本明去上当每])年(?:产值|营收|营业收入|销售收入|收入|税收|产量|利润|产能)")


def _forecast_unknown(before: str) -> bool:
    """Whether a forecast's words date it to an unstated year after a project runs (:data:`_AFTER_RUNNING`,
    :data:`_ANNUAL_RATE`)."""
    return bool(_AFTER_RUNNING.search(before) or _ANNUAL_RATE.search(before))


def period_in(before: str, published: str | None, measure: str = "flow", status: str = "actual",
              default: str | None = None, context_year: int | None = None) -> str:
    """Period named by the words ``before`` a figure (the rules of :func:`period_of`)."""
    span = _YEAR_RANGE.search(before)
    if span:
        return f"{span.group(1)}/{span.group(2)}"
    if status == "forecast" and _forecast_unknown(before):
        return "unknown"
    years = [int(y) for y in _YEAR.findall(before)]
    pub_year = int(published[:4]) if published else None
    year = years[-1] if years else (context_year or pub_year)
    if year is None:
        return "unknown"
    words = list(_PERIOD_WORDS.finditer(before))
    if not words:
        if years:
            return str(year)
        other_section = context_year is not None and context_year != pub_year
        if default and status == "actual" and measure == "flow" and not (
                other_section and not default.startswith(str(context_year))):
            return default
        if re.search(r"目前|截至", before) and published:
            return published
        if measure == "stock" and published and len(published) == 7 and not other_section:
            return published
        return str(year)
    w = words[-1]
    if w.group("last") or w.group("next") or w.group("past"):
        ref = years[-1] if years else pub_year
        if ref is None:
            return "unknown"
        if w.group("past"):
            n = int(w.group("pn")) if w.group("pn").isdigit() else "零一二三四五六七八九十".find(w.group("pn"))
            n = 2 if w.group("pn") == "两" else n
            return f"{ref - n}/{ref - 1}"
        return str(ref - 1) if w.group("last") else str(ref + 1)
    if w.group("fq"):
        return f"{year}-01/{year}-{3 * _QN[w.group('fqn')]:02d}"
    if w.group("q"):
        return f"{year}Q{_QN[w.group('qn')]}"
    if w.group("h"):
        return f"{year}-01/{year}-06" if w.group("h")[0] == "上" else f"{year}-07/{year}-12"
    if w.group("ytd"):
        month = int(w.group("m"))
        return f"{year}-01/{year}-{month:02d}" if 1 <= month <= 12 else "unknown"
    if w.group("since"):
        month = published[5:7] if published and len(published) >= 7 and not years else ""
        return f"{year}-01/{year}-{month}" if month else str(year)
    if w.group("end"):
        month = int(w.group("em"))
        if not 1 <= month <= 12:
            return "unknown"
        at_date = measure == "stock" and w.group(0).endswith(("底", "末")) \
            and before[max(0, w.start() - 8):w.start()].rstrip().endswith(("截至", "截止"))  # a level at a date
        return month_end_date(year, month) if at_date else f"{year}-{month:02d}"
    return str(year)


def month_end_date(year: int, month: int) -> str:
    """``YYYY-MM-DD`` of the last day of a month (截至6月底 → 2024-06-30, codebook rule 7)."""
    return f"{year}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def title_period(title: str, published: str | None) -> str | None:
    """The part of a year a document's title names (青河县2024年上半年招商引资工作总结 → 2024-01/2024-06; 一季度,
    前三季度, 1-6月, 今年以来), else None (a title naming a whole year or none, or a line too long to be a title)."""
    if not title or len(title.strip()) > 40 or re.search(r"[。，,；;]", title):
        return None
    if not any(w.group(g) for w in _PERIOD_WORDS.finditer(title) for g in ("fq", "q", "h", "ytd", "since")):
        return None
    return period_in(title, published)


_BRACKETS = re.compile(r"[（(][^（()）]*[)）]")
#: words of the comparison a growth rate states (比上年增长6.1%): not an indicator of its own
_COMPARED = re.compile(r"^(?:比|较|与)(?:上年|去年|上年同期|去年同期|同期)(?:相比)?$")


def attach_growth(line: str, figures: list[Figure]) -> dict[int, int]:
    """Growth figure index → index of the level it qualifies, for the growth figures that follow a level.

    A growth rate qualifies the last level before it in its sentence when nothing but the growth words stands
    between them in its own clause (总投资132亿元,同比增长7倍多; 政府性投入7.2亿元(…6.93亿元),同比增长44.91%: a
    level inside brackets is passed over). A rate that follows its own indicator (项目总投资增长246%) stands alone.
    """
    inside = [False] * len(line)
    for m in _BRACKETS.finditer(line):
        for i in range(m.start(), m.end()):
            inside[i] = True
    out: dict[int, int] = {}
    for gi, g in enumerate(figures):
        if g.kind != "growth":
            continue
        c_lo, _ = clause_span(line, g.start, g.end)
        s_lo, _ = sentence_span(line, g.start, g.end)
        own = line[c_lo:g.start]
        own = _COMPARED.sub("", _BRACKETS.sub("", own).strip(" 　，,并且"))
        if own and not any(f.kind == "level" and c_lo <= f.start < g.start for f in figures):
            continue
        for li in range(gi - 1, -1, -1):
            f = figures[li]
            if f.start < s_lo or f.kind == "growth":
                break
            if f.kind == "level" and f.value is not None and f.unit != "percent" and not inside[f.start] \
                    and li not in out.values():
                out[gi] = li
                break
    return out


#: Terms too generic to name an indicator on their own (用地300余亩 of what? 完成 what?): a figure they alone name
#: is given a new indicator from its own words and marked uncertain. A term the list gives to two indicators of
#: one unit (年产值, 税收) is as weak (:meth:`IndicatorMatcher.is_weak`).
GENERIC_TERMS = frozenset({"完成", "已完成", "用地", "总投资", "投资", "规模", "资金", "金额", "面积", "产值"})


def _md5_6(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()[:6]


#: A number (digits or Chinese numerals) right before offset i, which opens a money unit (亿元, 万元 ...).
_NUMBER_END = re.compile(r"[\d.零〇一二三四五六七八九十百千两]$")
_UNIT_START = re.compile(r"(?:千万|万|亿)?(?:美)?元")


def _in_size_class(text: str, i: int) -> bool:
    """Whether offset ``i`` of ``text`` opens a money unit right after a number (the 亿元 of 50亿元以上项目)."""
    return i > 0 and bool(_NUMBER_END.search(text[:i])) and bool(_UNIT_START.match(text, i))


@dataclass
class IndicatorMatcher:
    """The codebook's indicators by their Chinese terms (``indicator_zh`` and ``terms_zh``, ``|``-separated).

    Parameters
    ----------
    table : pandas.DataFrame
        The indicator list (columns ``indicator``, ``indicator_zh``, ``unit``; ``terms_zh`` optional).
    """

    table: pd.DataFrame

    def __post_init__(self) -> None:
        self.terms: dict[str, list[tuple[str, str]]] = {}
        for r in self.table.itertuples(index=False):
            words = [str(r.indicator_zh)]
            extra = getattr(r, "terms_zh", None)
            if isinstance(extra, str) and extra.strip():
                words += [w.strip() for w in extra.split("|") if w.strip()]
            for w in words:
                self.terms.setdefault(w, []).append((r.indicator, r.unit))
        ordered = sorted(self.terms, key=len, reverse=True)
        self._re = re.compile("|".join(re.escape(w) for w in ordered)) if ordered else None
        units = dict(zip(self.table["indicator"], self.table["unit"]))
        #: count indicator -> the indicator of the same items' value (pairs_with, else <count>_investment)
        self.value_of: dict[str, str] = {}
        for r in self.table.itertuples(index=False):
            paired = getattr(r, "pairs_with", None)
            if isinstance(paired, str) and paired in units:
                self.value_of[r.indicator] = paired
            elif f"{r.indicator}_investment" in units:
                self.value_of[r.indicator] = f"{r.indicator}_investment"

    def is_weak(self, term: str, unit: str | None) -> bool:
        """Whether ``term`` is too generic to name one indicator: in :data:`GENERIC_TERMS`, or a term of two or more
        indicators of ``unit`` (None: any unit)."""
        fits = {ind for ind, u in self.terms.get(term, []) if unit is None or u == unit}
        return term in GENERIC_TERMS or len(fits) > 1

    def match(self, text: str, unit: str | None) -> tuple[str, str] | None:
        """The indicator of the longest term in ``text`` whose unit agrees with ``unit`` (None: any).

        A term that opens with a money unit right after a number (亿元以上项目 in 50亿元以上项目) is the size class
        of that number, not the term's own class: it does not match (10亿元以上项目 matches as a whole)."""
        if self._re is None:
            return None
        text = re.sub(r"\s+", "", text)  # 10 亿元以上产业项目: tables space their figures
        best: tuple[str, str] | None = None
        for i in range(len(text)):
            m = self._re.match(text, i)
            if m and _in_size_class(text, i):
                continue  # 50亿元以上项目: not the 亿元以上项目 class, but the class of its own number
            if m and (best is None or len(m.group()) > len(best[1])):
                fits = [ind for ind, u in self.terms[m.group()] if unit is None or u == unit]
                if fits:
                    best = (fits[0], m.group())
        return best


#: A number that opens a size class (50亿元以上项目): part of the term, not to be cut from it.
_SIZE_NUMBER = r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])(?!\s*(?:千万|万|亿)(?:美)?元以上)"
_NOT_TERM = re.compile(r"(?:" + _SIZE_NUMBER + r"|[\s.%％,，、:：;；()（）“”\"《》〞\-－—/])+|超过|不少于|不低于|不超过|同比|其中|共计|合计|累计|"
                       r"目前|今年以来|今年|全年|年内|一季度|上半年|力争|计划|安排|预计|完成|实现|达到|分别")
#: One-character fillers (达, 约, 近, 超, 共, 已) and 新增 only where they stand right before the figure: inside a
#: term they are part of it (一般公共预算收入, 签约项目).
_FILLER_END = re.compile(r"(?:达|约|近|超|共|已|为|新增)\s*$")


_LEAD = re.compile(r"^(?:全[市县区省镇]|[对有在由为将与和及从把向等中其共])+")
_TAIL = re.compile(r"(?:的|和|及|与|等|进行|组建|直奔|下沉).*$")


def term_before(line: str, lo: int, start: int, size: int = 10) -> str:
    """The words before a figure (since ``lo``) that name it, at most ``size`` characters, filler removed."""
    text = line[lo:start]
    while (m := _FILLER_END.search(text)) and m.start() > 0:
        text = text[:m.start()]
    text = _NOT_TERM.sub(" ", text).strip()
    parts = text.split()
    return _LEAD.sub("", parts[-1][-size:]) if parts else ""


def term_after(line: str, end: int, hi: int, size: int = 10) -> str:
    """The words after a count that name what it counts (25个重点项目), at most ``size`` characters."""
    m = re.match(r"[\u4e00-\u9fffA-Za-z]+", line[end:hi])
    return _TAIL.sub("", m.group())[:size] if m else ""


def new_indicator_id(term: str) -> str:
    """``new_<6 hex of md5(term)>``: the name of an indicator the extractor proposes."""
    return f"new_{_md5_6(term)}"


def _region_names(regions: pd.DataFrame) -> list[tuple[str, str]]:
    names = []
    for r in regions.itertuples(index=False):
        zh = str(r.region_zh)
        names.append((zh, r.region))
        short = re.sub(r"[市县区]$", "", zh)
        if short != zh and len(short) >= 2:
            names.append((short, r.region))
    return sorted(names, key=lambda x: len(x[0]), reverse=True)


class RegionFinder:
    """Region names of ``regions.csv`` (``region_zh`` and its short form without 市/县/区) in a line."""

    def __init__(self, regions: pd.DataFrame) -> None:
        self.names = _region_names(regions)
        self._re = re.compile("|".join(re.escape(z) for z, _ in self.names)) if self.names else None
        self._of = dict(self.names)

    def last_before(self, line: str, pos: int) -> str | None:
        """The region named last before ``pos`` where it names a place (在临海, 落户仙居, 台州市), not a word
        beginning with it (台州湾)."""
        if self._re is None:
            return None
        found = None
        for m in self._re.finditer(line, 0, pos):
            nxt = line[m.end():m.end() + 1]
            prev = line[max(0, m.start() - 2):m.start()]
            if m.group().endswith(("市", "县", "区")) or nxt in "，,、。；;（(" or prev.endswith(("在", "落户")):
                found = self._of[m.group()]
        return found


_PLACE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:自治州|自治县|新区|省|市|州|盟|县|区|旗)")


def document_region(title: str, finder: RegionFinder | None = None) -> str | None:
    """The region a document's title names, for a document given without ``--region``: a region of
    ``regions.csv`` (its English name), else the first place name as written (青河县2024年… → 青河县); None when
    the title names none."""
    named = finder.last_before(title, len(title)) if finder is not None else None
    if named:
        return named
    m = _PLACE.search(re.sub(r"\d+年?", " ", title))
    return m.group() if m else None


def region_of(line: str, fig: Figure, default: str | None, finder: RegionFinder | None) -> str:
    """The region named last before the figure in its line, else ``default`` (the document's), else ``unknown``."""
    named = finder.last_before(line, fig.start) if finder is not None else None
    return named or default or "unknown"


_ENTITY = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,10}?(?:集团|公司|研究院|专班)")
_ENTITY_LEAD = re.compile(r"^(?:组建成立|成立|建立|其中|个|由|在|与|和|为|是|对|该|其|全市|全区|同时|眼下|目前|今年|如今)+")
_NOT_ENTITY = ("上市公司", "中公司", "子公司", "集团", "公司", "专班")


def entity_of(line: str, fig: Figure) -> str | None:
    """The group or company named last before the figure in its sentence (临海市工投集团), else None."""
    lo, _ = sentence_span(line, fig.start, fig.end)
    names = [_ENTITY_LEAD.sub("", m.group()) for m in _ENTITY.finditer(line, lo, fig.start)]
    names = [n for n in names if len(n) > 3 and n not in _NOT_ENTITY]
    return names[-1] if names else None


def region_finder() -> RegionFinder:
    """A :class:`RegionFinder` of the embedded ``regions.csv``."""
    from .. import config

    return RegionFinder(pd.read_csv(config.DEFAULT_DATA_DIR / "regions.csv", dtype=str))
