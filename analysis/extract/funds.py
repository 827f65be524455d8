"""Funds and equity stakes from fund sentences.

Reads sentences such as ``新增母基金1支、产业基金3支……基金总规模25.45亿元`` (a group of funds with its size),
``基金总规模56.45亿元,其中公司认缴规模29亿元,实缴15亿元`` (size, committed and paid-in capital),
``设立产业基金50亿元以上`` (a planned fund) and ``出资6000万元,持股百分之二十`` (a direct equity stake), and
proposes rows in the ``funds`` and ``equity_stakes`` tables (columns of their sidecars). Money is in yuan (or USD),
shares in percent; every ``*_raw`` is the figure as written with white space removed, so that
:func:`analysis.units.parse_quantity` gives its value, unit and qualifier back.

Rules (data/CODEBOOK.md, issue 10):

* A clause (text between 。 ； ;) holding 基金 with a count of funds (``母基金1支``, ``2只母基金``,
  ``基金31只``, ``基金项目5个``) or a size (``总规模``/``合计规模``/``规模`` …, ``认缴``, ``实缴``, a money figure
  next to a fund word: ``设立100亿元母基金``, ``产业基金50亿元以上``) is one fund row; several fund types counted
  in one clause make a group row (``fund_type`` mixed, ``n_funds`` their sum, the sizes) and one row per type
  (``part_of`` the group, counts only).
* ``设立``/``组建``/``新设`` with fund words and no figures (``设立新能源、新材料等产业子基金``) is a planned fund
  row without figures.
* Status: ``new`` for 新增/新设, ``planned`` for 拟/计划/设立/将, ``existing`` otherwise.
* A clause with 出资 and 持股/占股/股权投资 is an equity stake (amount, share, number of investments).
* A line ending in a figure without closing punctuation continues on the next non-empty line (flattened text
  breaks ``设立100亿元`` / ``母基金``); the row cites the line of its first figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..schema import table_meta
from ..units import QuantityParseError, parse_chinese_number, parse_quantity
from ..vocab import FUND_TYPE
from .context import PAST_PLAN, month_end_date, section_years
from .core import DocumentInfo, empty_table

__all__ = ["funds_from_lines", "money_figures", "Money", "as_of_period", "doc_stem", "Stream", "sentence_streams",
           "rows_frame"]

Span = tuple[int, int, int]

# --- shared helpers (also used by projects.py) -------------------------------------------------------------

_MONEY_RE = re.compile(
    r"(?P<pre>超过|突破|不少于|不低于|超|近|约)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<approx>多|余)?\s*"
    r"(?P<scale>万亿|亿|万|千)?\s*(?P<unit>美元|元)(?P<post>以上|左右)?")


@dataclass(frozen=True)
class Money:
    """A money figure in a text.

    Attributes
    ----------
    start, end : int
        Offsets of the figure (qualifier words included) in the text searched.
    raw : str
        The figure as written, white space removed (``近200亿元``).
    value : float
        In yuan or USD.
    currency : str
        ``yuan`` or ``usd``.
    qualifier : str
        A code of :data:`analysis.vocab.QUALIFIER`.
    """

    start: int
    end: int
    raw: str
    value: float
    currency: str
    qualifier: str


def money_figures(text: str) -> list[Money]:
    """The money figures (元, 美元, with 万/亿 and qualifier words) in ``text``, left to right.

    A figure preceded by 签 (签约, to sign) does not take 约 as "about"; a number glued to a preceding digit or
    letter is not read.
    """
    out = []
    for m in _MONEY_RE.finditer(text):
        start = m.start("pre") if m.group("pre") else m.start("num")
        if m.group("pre") == "约" and start > 0 and text[start - 1] == "签":
            start = m.start("num")
        elif start > 0 and (text[start - 1].isdigit() or text[start - 1] == "."):
            continue
        raw = re.sub(r"\s+", "", text[start:m.end()])
        try:
            q = parse_quantity(raw)
        except QuantityParseError:
            continue
        out.append(Money(start, m.end(), raw, q.value, q.unit, q.qualifier))
    return out


def doc_stem(doc: str) -> str:
    """The document's file name without its extension (keys: ``<stem>-f01``)."""
    return doc.rsplit(".", 1)[0] if "." in doc else doc


_THIS_YEAR = ("今年", "全年", "年内", "本年", "年度")


#: 截至6月底 / 截至2024年6月末: a stock at the last day of that month.
_MONTH_END = re.compile(r"截至\s*(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?:底|末)")


def as_of_period(published: str | None, text: str = "", context_year: int | None = None) -> str:
    """The period a figure refers to: the date of 截至6月底 (its last day, codebook rule 7), the document's year
    for 今年/全年/年内, else its date as given.

    Parameters
    ----------
    published : str or None
        Publication date, YYYY, YYYY-MM or YYYY-MM-DD; None when unknown (then ``unknown``).
    text : str
        The sentence of the figure.
    context_year : int, optional
        The year of the section the sentence stands in (:func:`analysis.extract.context.section_years`): under
        一、2024年工作回顾 a fund reported without a date word is as of 2024, not the date published.
    """
    month_end = _MONTH_END.search(text)
    if month_end and (month_end.group("y") or published) and 1 <= int(month_end.group("m")) <= 12:
        return month_end_date(int(month_end.group("y") or published[:4]), int(month_end.group("m")))
    if not published:
        return "unknown"
    if any(w in text for w in _THIS_YEAR):
        return str(context_year or published[:4])
    if "去年" in text or "过去一年" in text:
        return str(int(published[:4]) - 1)
    if "明年" in text:
        return str(int(published[:4]) + 1)
    if context_year and str(context_year) != published[:4]:
        return str(context_year)
    return published


@dataclass
class Stream:
    """Non-empty lines joined into one text where a line breaks a sentence, with offsets back to the lines.

    A line that does not end in closing punctuation (。！？；;) is joined with the next non-empty line.
    ``pieces`` lists (line_no, line offset, text offset, length) of each joined line.
    """

    text: str
    pieces: list[tuple[int, int, int, int]] = field(default_factory=list)
    year: int | None = None  # the year of the section it stands in (context.section_years)

    def locate(self, pos: int) -> tuple[int, int]:
        """(1-based line, offset in that line) of text offset ``pos``."""
        for line_no, line_off, text_off, length in self.pieces:
            if text_off <= pos <= text_off + length:
                return line_no, line_off + pos - text_off
        raise IndexError(pos)

    def span(self, start: int, end: int) -> Span:
        """The claimed span (line, start, end) of text offsets ``start:end`` (within one line)."""
        line_no, s = self.locate(start)
        return line_no, s, s + (end - start)


_CLOSING = tuple("。！？；;!?")


def sentence_streams(lines: list[str]) -> list[Stream]:
    """The document's text as streams of sentence-joined lines (see :class:`Stream`)."""
    streams: list[Stream] = []
    cur: Stream | None = None
    for i, line in enumerate(lines, start=1):
        body = line.rstrip()
        if not body.strip():
            continue
        if cur is None:
            cur = Stream("")
        cur.pieces.append((i, 0, len(cur.text), len(body)))
        cur.text += body
        if body.endswith(_CLOSING) or not re.search(r"\d\s*(?:万|亿)?\s*(?:美元|元)$|设立$", body):
            streams.append(cur)
            cur = None
    if cur is not None:
        streams.append(cur)
    return streams


# --- fund words --------------------------------------------------------------------------------------------

#: Chinese fund words -> fund_type, longest first; the bare 基金 is the untyped fund.
_TYPE_WORDS = sorted(((w, t.code) for t in FUND_TYPE for w in t.zh), key=lambda x: -len(x[0]))
_TYPE_WORDS += [("引导基金", "guidance"), ("天使基金", "venture"), ("天使投资基金", "venture"), ("创投基金", "venture"),
                ("创业投资基金", "venture"), ("风险投资基金", "venture"), ("风投基金", "venture")]
_TYPE_RE = "|".join(re.escape(w) for w, _ in sorted(_TYPE_WORDS, key=lambda x: -len(x[0])))
_TYPE_OF = dict(_TYPE_WORDS)
_CN_NUM = "零〇一二两三四五六七八九十百千"
_COUNT = rf"(?P<n>\d+|[{_CN_NUM}]+)\s*(?P<cu>支|只|个)"
_FUND_WORD = rf"(?P<w>{_TYPE_RE}|(?<![{_CN_NUM}\d])基金(?:项目)?)"
_COUNT_AFTER = re.compile(_FUND_WORD + r"\s*" + _COUNT)            # 母基金1支, 基金31只, 基金项目5个
_COUNT_BEFORE = re.compile(r"(?P<n>\d+|[" + _CN_NUM + r"]+)\s*(?P<cu>支|只)\s*" + _FUND_WORD)  # 2只母基金
_HOLDING_VERBS = ("新增", "新设", "设立", "拥有", "设有", "参与", "组建", "共有", "累计", "已有", "现有")
_SET_UP = ("设立", "组建", "新设")
_SIZE_KEYS = {"committed": re.compile(r"认缴(?:规模|金额|资金|资本|出资额?)?(?:达到|达|为)?\s*$"),
              "paid_in": re.compile(r"实缴(?:规模|金额|资金|资本|出资额?)?(?:达到|达|为)?\s*$"),
              "total_size": re.compile(r"(?:总规模|合计规模|规模)(?:达到|达|为|约为)?\s*$")}
_STATUS_WORDS = (("new", ("新增", "新设", "新成立", "新组建", "新建立", "已设立", "已组建", "已成立")), ("planned", ("拟", "计划", "设立", "将", "筹建", "组建")))
#: One more fund of the kind just reported (另设立天使投资基金1支): the status of the fund before it in the sentence
#: group, else ``new`` (an act reported, not a plan).
_ANOTHER = re.compile(r"另(?:行)?(?:设立|设|成立|组建)|又(?:设立|成立|组建)|再(?:设立|成立|组建)|同时(?:设立|成立|组建)")
#: A government's own contribution to the fund (其中县财政出资3亿元): the funds table has no column for it, so it
#: stays an observation (indicator fund_government_contribution) and the fund row's note names it.
_GOVERNMENT_SHARE = re.compile(r"(?:[省市县区]级?)?(?:财政|政府)(?:出资|注资)(?:资金)?(?:达到|达|为)?\s*$")
_ORG_RE = re.compile(r"[\u4e00-\u9fff]{0,14}?(?:集团|有限公司|股份有限公司|公司|国资平台|政府)")
_ORG_LEAD = ("今年", "目前", "截至目前", "其中", "由", "该", "依托", "积极", "通过", "年初", "去年")


@dataclass
class _FundMention:
    fund_type: str
    word: str
    n: int | None
    span: tuple[int, int] | None  # offsets of the count in the clause's stream


def _count(text: str) -> int | None:
    try:
        return int(text) if text.isdigit() else parse_chinese_number(text)
    except QuantityParseError:
        return None


def _subclause(text: str, pos: int) -> str:
    """The comma-separated part of ``text`` around offset ``pos``."""
    start = max(text.rfind(c, 0, pos) for c in ",,") + 1
    ends = [i for i in (text.find(c, pos) for c in ",,") if i >= 0]
    return text[start:min(ends) if ends else len(text)]


def _fund_type(word: str) -> str:
    return _TYPE_OF.get(word, "platform")


def _counted_mentions(clause: str, offset: int) -> list[_FundMention]:
    found: dict[int, _FundMention] = {}
    for rx in (_COUNT_AFTER, _COUNT_BEFORE):
        for m in rx.finditer(clause):
            if m.group("cu") == "个" and not m.group("w").endswith("项目"):
                continue
            n = _count(m.group("n"))
            if n is None or m.start("w") in found:
                continue
            if not any(v in _subclause(clause, m.start()) for v in _HOLDING_VERBS) and not _sizes(clause, offset):
                continue
            word = m.group("w").removesuffix("项目")
            found[m.start("w")] = _FundMention(_fund_type(word), word, n,
                                               (offset + m.start("n"), offset + m.end("cu")))
    return [found[k] for k in sorted(found)]


def _sizes(clause: str, offset: int) -> dict[str, tuple[Money, tuple[int, int]]]:
    """Size figures of a fund clause: key -> (figure, offsets in the stream)."""
    out: dict[str, tuple[Money, tuple[int, int]]] = {}
    for fig in money_figures(clause):
        before = clause[max(0, fig.start - 8):fig.start]
        key = next((k for k, rx in _SIZE_KEYS.items() if rx.search(before)), None)
        if key is None:
            after = clause[fig.end:fig.end + 8]
            near_fund = re.search(rf"(?:{_TYPE_RE})\s*$", before) or re.match(rf"\s*(?:{_TYPE_RE})", after)
            key = "total_size" if near_fund else None
        if key and key not in out:
            out[key] = (fig, (offset + fig.start, offset + fig.end))
    return out


def _status(text: str, previous: str | None = None) -> str:
    """Fund status by the words of ``text``; 另设立 (one more) takes ``previous``, the status of the fund reported
    before it in the sentence group, else ``new``; a set-up verb after a word of the past (累计设立, 先后组建:
    :data:`analysis.extract.context.PAST_PLAN`) is ``existing``, not ``planned``."""
    if _ANOTHER.search(text):
        return previous or "new"
    if PAST_PLAN.search(text) and not any(w in text for w in _STATUS_WORDS[0][1]):
        return "existing"  # 累计设立子基金8支: set up by the as-of date, not announced
    for status, words in _STATUS_WORDS:
        if any(w in text for w in words):
            return status
    return "existing"


def _org_names(text: str) -> list[str]:
    """Organisations named in ``text`` (集团, 公司, 政府 ...), left to right; a bare 集团/公司 (该集团) as ''."""
    out = []
    for m in _ORG_RE.finditer(text):
        name = m.group(0)
        for lead in _ORG_LEAD:
            if name.startswith(lead):
                name = name[len(lead):]
        out.append(name if len(name) > 2 or name == "政府" else "")
    return out


#: A fund that is the subject of a set-up verb (区产业引导基金累计设立子基金8支): it sponsors the funds it sets up.
_FUND_SUBJECT = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{0,10}}?(?:{_TYPE_RE}))\s*"
                           r"(?:累计|已经|已|先后|共|新|陆续|另)?(?:设立|组建|发起|出资|参股|投资)")


class _Sponsors:
    """Who a fund sentence is about, as the text says it: the organisation named before it, 该集团 / 集团 resolved
    to the last group (集团) the document named, 政府 to the region's government, a fund that sets up the funds
    (区产业引导基金累计设立子基金8支) as written; a count of all the region's funds with no one named (全市共有基金72支)
    to the region, sponsor not named; else :attr:`unnamed` (``<region> (sponsor not named)``), never a guessed
    government."""

    def __init__(self, region: str | None):
        self.government = f"{region} government" if region else "unknown"
        self.region_wide = f"{region or 'unknown'} (all funds of the region; sponsor not named)"
        self.unnamed = f"{region or 'unknown'} (sponsor not named)"
        self.last = ""

    def before(self, text: str, pos: int) -> str:
        last, found = self.last, ""
        for name in _org_names(text[:pos]):
            if name.endswith("集团"):
                last = name
            found = self.government if name.endswith("政府") else (name or last)
        if not found and (fund := self.fund_before(text, pos)):
            return fund
        if not found and re.search(r"全[市县区省]", text[:pos]):
            return self.region_wide
        return found or last or self.unnamed

    @staticmethod
    def fund_before(text: str, pos: int) -> str:
        """The fund that sets up the funds at ``pos`` (区产业引导基金 in 区产业引导基金累计设立子基金8支), else ''."""
        hits = [m.group("name") for m in _FUND_SUBJECT.finditer(text, 0, pos + 1)]
        name = hits[-1] if hits else ""
        for lead in _ORG_LEAD:
            name = name.removeprefix(lead)
        return name

    def read(self, text: str) -> None:
        groups = [n for n in _org_names(text) if n.endswith("集团")]
        if groups:
            self.last = groups[-1]


def _sponsor_note(sponsor: str, sponsors: _Sponsors, clause: str, first: int) -> str:
    """What the note says of a sponsor the text does not name, or names as a fund ('' otherwise)."""
    if sponsor == sponsors.unnamed:
        return "; sponsor not named in the text"
    if sponsor == sponsors.fund_before(clause, first):
        return (f"; sponsor as written: {sponsor}, the fund that sets these funds up (its owner not named; "
                "part_of empty: no row of its own)")
    return ""


# --- rows --------------------------------------------------------------------------------------------------


def _fund_row(info: DocumentInfo, key: str, sponsor: str, fund_type: str, n: int | None, status: str,
              line: int, as_of: str, note: str, part_of: str | None = None) -> dict:
    return {"fund_id": key, "region": info.region or "unknown", "sponsor": sponsor, "fund_type": fund_type,
            "part_of": part_of, "n_funds": n, "status": status, "currency": "yuan", "as_of": as_of,
            "doc": info.doc, "line": line, "note": note}


def _set_size(row: dict, key: str, fig: Money) -> None:
    row[key], row[f"{key}_qualifier"], row[f"{key}_raw"] = fig.value, fig.qualifier, fig.raw
    row["currency"] = fig.currency


def _government_shares(clause: str) -> list[Money]:
    """Figures of a government's own contribution in a fund clause (其中县财政出资3亿元)."""
    return [f for f in money_figures(clause) if _GOVERNMENT_SHARE.search(clause[max(0, f.start - 10):f.start])]


def _fund_rows(clause: str, offset: int, stream: Stream, info: DocumentInfo, sponsors: _Sponsors,
               next_id, previous: str | None = None) -> tuple[list[dict], set[Span]]:
    mentions = _counted_mentions(clause, offset)
    sizes = _sizes(clause, offset)
    claimed = {stream.span(*m.span) for m in mentions if m.span} | {stream.span(*s) for _, s in sizes.values()}
    typed = [(m.start(), m.group(0)) for m in re.finditer(_TYPE_RE, clause)]
    if not mentions and not sizes:
        set_up = [(p, w) for p, w in typed if any(v in _subclause(clause, p) for v in _SET_UP)]
        if not set_up:
            return [], set()
        typed = set_up
    if not mentions:
        near = [(p, w) for p, w in typed if not sizes or abs(p - (next(iter(sizes.values()))[1][0] - offset)) < 12]
        p, w = (near or typed or [(0, "基金")])[0]
        n = 1 if _fund_type(w) == "mother" else None
        mentions = [_FundMention(_fund_type(w), w, n, None)]
        first = p
    else:
        first = mentions[0].span[0] - offset
    anchor = min([s[0] for _, s in sizes.values()] + [m.span[0] for m in mentions if m.span] or [offset + first])
    line = stream.locate(anchor)[0]
    status = _status(_subclause(clause, first), previous)
    as_of = as_of_period(info.published, stream.text, stream.year)
    sponsor = sponsors.before(clause, first)
    group_note = "; ".join(f"{m.word} {m.n}" for m in mentions if m.n) if len(mentions) > 1 else mentions[0].word
    top_type = mentions[0].fund_type if len({m.fund_type for m in mentions}) == 1 else "mixed"
    n_total = sum(m.n for m in mentions) if all(m.n for m in mentions) else None
    top = _fund_row(info, next_id(), sponsor, top_type, n_total, status, line, as_of,
                    f"extracted: {group_note}" + ("; n_funds summed" if len(mentions) > 1 else ""))
    if top_type == "platform":
        top["note"] += "; fund type not stated"
    top["note"] += _sponsor_note(sponsor, sponsors, clause, first)
    for fig in _government_shares(clause):
        top["note"] += (f"; government contribution {fig.raw} (财政出资, no column in funds): an observation "
                        "with indicator fund_government_contribution")
    for key, (fig, _) in sizes.items():
        _set_size(top, key, fig)
    rows = [top]
    if len(mentions) > 1:
        rows += [_fund_row(info, next_id(), sponsor, m.fund_type, m.n, status, line, as_of, m.word,
                           part_of=top["fund_id"]) for m in mentions]
    rows += _set_up_rows(clause, offset, first, stream, info, sponsor, as_of, next_id)
    for row in rows[1:]:
        if row["sponsor"] == sponsors.unnamed:
            row["note"] += "; sponsor not named in the text"
    return rows, claimed


def _set_up_rows(clause: str, offset: int, first: int, stream: Stream, info: DocumentInfo, sponsor: str,
                 as_of: str, next_id) -> list[dict]:
    """Funds set up (设立, 组建, 新设) without figures in other parts of a clause whose first fund has them."""
    taken = _subclause(clause, first)
    rows, seen = [], set()
    for m in re.finditer(_TYPE_RE, clause):
        part = _subclause(clause, m.start())
        if part == taken or not any(v in part for v in _SET_UP) or (part, m.group(0)) in seen:
            continue
        seen.add((part, m.group(0)))
        t = _fund_type(m.group(0))
        rows.append(_fund_row(info, next_id(), sponsor, t, 1 if t == "mother" else None, _status(part),
                              stream.locate(offset + m.start())[0], as_of,
                              f"extracted: {m.group(0)} set up ({part.strip()}); count and size not stated"))
    return rows


_STAKE_RE = re.compile(r"(?:持股|占股|股权比例|股比)(?:比例)?(?:为|达)?\s*(?P<pct>百分之[" + _CN_NUM + r"\d.点]+|\d+(?:\.\d+)?\s*[%％])")
_N_INVEST_RE = re.compile(r"股权投资项目\s*(?P<n>\d+|[" + _CN_NUM + r"]+)\s*(?:个|项)")


_INVESTEE_RE = re.compile(r"(?:参股|入股|投资|注资|增资|控股|收购)(?P<name>[^，,。；;、:：（(\s]{2,40}?)"
                          r"(?=持股|占股|[，,。；;、:：（(\s]|$)")
_INVESTEE_END = ("公司", "集团", "企业", "银行", "中心", "研究院", "基金", "合伙)", "合伙）")


def _investee(clause: str, pos: int) -> str | None:
    """The firm a stake is in: the name after 参股/入股/投资/注资/控股 (after 出资 at ``pos``) up to the
    punctuation (集团出资8000万元参股青河新能源科技有限公司,持股35% → 青河新能源科技有限公司), when it ends
    like an organisation's name; else None."""
    for m in _INVESTEE_RE.finditer(clause, max(pos, 0)):
        name = m.group("name")
        if name.endswith(_INVESTEE_END):
            return name
    return None


def _named_investee(line_text: str, investor: str) -> str | None:
    """Fallback: the first company the line names that is not the investor (浙江头门港海缆能源科技有限公司注册成立,
    …出资6000万元,持股百分之二十); words glued before it by a figure (万元参股) are cut off."""
    names = [re.sub(r"^(?:[万亿千]?美?元)?(?:参股|入股|投资|注资|控股)?", "", name) for name in _org_names(line_text)]
    names = [n for n in names if len(n) > 2 and n != investor and not n.endswith(("政府", "平台", "集团"))]
    return names[0] if names else None


def _stake_row(clause: str, offset: int, stream: Stream, info: DocumentInfo, sponsors: _Sponsors,
               key: str, line_text: str) -> tuple[dict | None, set[Span]]:
    pos = clause.find("出资")
    amounts = [f for f in money_figures(clause) if f.start > pos]
    pct = _STAKE_RE.search(clause)
    if not amounts and not pct:
        return None, set()
    claimed = set()
    row = {"stake_id": key, "region": info.region or "unknown", "investor": sponsors.before(clause, pos),
           "investee": None, "n_investments": 1, "as_of": as_of_period(info.published, stream.text, stream.year), "doc": info.doc}
    anchor = None
    if amounts:
        fig = amounts[0]
        row.update(amount=fig.value, amount_qualifier=fig.qualifier, amount_raw=fig.raw)
        claimed.add(stream.span(offset + fig.start, offset + fig.end))
        anchor = offset + fig.start
    if pct:
        raw = re.sub(r"\s+", "", pct.group("pct"))
        row.update(stake_pct=parse_quantity(raw).value, stake_raw=raw)
        claimed.add(stream.span(offset + pct.start("pct"), offset + pct.end("pct")))
        anchor = anchor if anchor is not None else offset + pct.start("pct")
    n = _N_INVEST_RE.search(clause)
    notes = ["extracted: 出资" + ("; paid-in (实缴)" if "实缴" in clause else "")]
    if n and _count(n.group("n")):
        row["n_investments"] = _count(n.group("n"))
        claimed.add(stream.span(offset + n.start("n"), offset + n.end()))
        notes.append(f"{row['n_investments']} equity investments (股权投资项目)")
    else:
        row["investee"] = _investee(clause, pos) or _named_investee(line_text, row["investor"])
    row["line"] = stream.locate(anchor)[0]
    row["note"] = "; ".join(notes)
    return row, claimed


def _clauses(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for m in re.finditer(r"[。；;!?！？]", text):
        out.append((start, text[start:m.end()]))
        start = m.end()
    if start < len(text):
        out.append((start, text[start:]))
    return out


def funds_from_lines(lines: list[str], info: DocumentInfo) -> tuple[pd.DataFrame, pd.DataFrame, set[Span]]:
    """Funds and equity stakes proposed from a document's lines.

    Parameters
    ----------
    lines : list of str
        The document's plain-text lines (``line`` counts them from 1).
    info : DocumentInfo
        Document file name, region and publication date (``as_of`` periods come from it).

    Returns
    -------
    funds : pandas.DataFrame
        Rows in the ``funds`` schema (money in yuan or USD).
    equity_stakes : pandas.DataFrame
        Rows in the ``equity_stakes`` schema (amount in yuan, share in percent).
    claimed : set of (int, int, int)
        (line, start, end) character spans of the figures used, so that the observation extractor skips them.
    """
    stem = doc_stem(info.doc)
    fund_rows: list[dict] = []
    stake_rows: list[dict] = []
    claimed: set[Span] = set()
    sponsors = _Sponsors(info.region)

    def next_fund_id() -> str:
        next_fund_id.k += 1
        return f"{stem}-f{next_fund_id.k:02d}"
    next_fund_id.k = 0

    years = section_years(lines, info.published)
    for stream in sentence_streams(lines):
        stream.year = years[stream.pieces[0][0] - 1]
        previous: str | None = None  # status of the last fund of the stream (另设立 takes it)
        for offset, clause in _clauses(stream.text):
            if "出资" in clause and re.search("持股|占股|股权投资", clause):
                line_no = stream.locate(offset)[0]
                row, spans = _stake_row(clause, offset, stream, info, sponsors,
                                        f"{stem}-s{len(stake_rows) + 1:02d}", lines[line_no - 1])
                if row:
                    stake_rows.append(row)
                    claimed |= spans
            elif "基金" in clause:
                rows, spans = _fund_rows(clause, offset, stream, info, sponsors, next_fund_id, previous)
                previous = rows[0]["status"] if rows else previous
                fund_rows += rows
                claimed |= spans
            sponsors.read(clause)
    return rows_frame("funds", fund_rows), rows_frame("equity_stakes", stake_rows), claimed


def rows_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame with exactly the columns of ``table``'s sidecar."""
    empty = empty_table(table)
    if not rows:
        return empty
    df = pd.DataFrame(rows).reindex(columns=empty.columns).astype(object).where(lambda d: d.notna(), None)
    for col in table_meta(table).columns:
        if col.type == "int":
            df[col.name] = pd.array([None if v is None else int(v) for v in df[col.name]], dtype="Int64")
    return df
