"""Projects and milestones from flattened project tables.

A responsibility table (推进责任分解表) copied out of a PDF or a web page loses its grid: each row becomes a run of
lines such as (document 003, Linhai 2022)::

    序号 项目名称 总投资 (亿元) / 用地 (亩) / 投资方 项目内容 进展情况 全年工作目标 联系市领导 主责单位
    1 台州湾新材料产业园项目 1000 10000 浙江荣盛控股集团 拟选址…          <- 序号, name, figures, investor, content
    框架协议已签订。…                                                    <- progress (进展情况)
    4 月一期项目签约;5月一期项目落地;8月一期项目开工建设。               <- targets (全年工作目标)
    吴华丁 蔡建军                                                        <- leaders (联系市领导)
    台州湾经济技术开发区 2 复星新材料产业园项目 100 1000 …              <- lead unit, then the next row

The header gives the units of the bare numbers (亿元 or 万元; 亩, 公顷 or 平方米; ``/`` = none). Rows are found by
their 序号 in sequence (1, 2, 3, …) followed by a name and as many bare numbers as the header has figure columns.
The monthly targets become milestones (``planned`` YYYY-MM or YYYY-MM/YYYY-MM in the document's year, ``kind``
from the ``milestone_kind`` vocabulary by the words of each target). ``*_raw`` is the bare number when the header's
unit is the one the loader assumes for a bare number (亿元, 亩; :data:`analysis.io.RAW_FIGURES`), else the number
with the header's unit (``20000万元``), so that ``parse_quantity`` gives the value back either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..io import RAW_FIGURES
from ..units import QuantityParseError, parse_quantity
from ..vocab import MILESTONE_KIND
from .core import DocumentInfo
from .funds import doc_stem, money_figures, rows_frame

__all__ = ["projects_from_lines", "TableHeader", "find_header", "milestones_from_text", "content_spans"]

Span = tuple[int, int, int]

#: Units the loader gives a bare number in projects.total_investment_raw and land_raw (亿元, 亩).
_BARE_UNIT = {raw: unit for raw, _, _, _, unit in RAW_FIGURES["projects"]}

_COLUMN_WORDS = ("序号", "项目名称", "总投资", "用地", "投资方", "投资主体", "项目内容", "建设内容", "进展情况",
                 "全年工作目标", "工作目标", "联系市领导", "责任领导", "主责单位", "责任单位", "牵头单位")
_UNIT_RE = {"total_investment_raw": re.compile(r"(?:总投资|投资额|计划总投资)\s*[(（]\s*(万元|亿元|元|万美元|亿美元)\s*[)）]"),
            "land_raw": re.compile(r"用地(?:面积|规模)?\s*[(（]\s*(亩|公顷|平方米|万平方米)\s*[)）]")}
_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)?|[/／—－-])$")
_NAME_STOP = re.compile(r"[;；,，。:：]")
_TRAILER = re.compile(r"^\s*(?:推荐访问|相关推荐|上一篇|下一篇|免责声明|版权所有|来源[:：])")
#: Role of each text column a header names (a longer name first: 全年工作目标 before 工作目标).
_CELL_ROLES = (("投资主体", "investor"), ("投资方", "investor"), ("项目内容", "content"), ("建设内容", "content"),
               ("进展情况", "progress"), ("全年工作目标", "targets"), ("工作目标", "targets"),
               ("联系市领导", "leaders"), ("责任领导", "leaders"), ("主责单位", "lead_unit"),
               ("责任单位", "lead_unit"), ("牵头单位", "lead_unit"))
_UNIT_SUFFIX = ("区", "局", "委", "办", "集团", "中心", "街道", "镇", "乡", "公司", "政府", "部", "院", "所", "会",
                "办公室", "指挥部", "管委会")


@dataclass
class TableHeader:
    """A project table's header: where it ends and the units of its figure columns.

    Attributes
    ----------
    line : int
        1-based line of 序号.
    end : tuple of (int, int)
        (line, offset) just after the header's last column name.
    units : dict of str to str
        Figure columns in the order the header gives them (``total_investment_raw``, ``land_raw``) → unit words
        (``亿元``, ``亩``).
    cells : list of str
        Roles of the columns after the figure columns, in the header's order (``investor``, ``content``,
        ``progress``, ``targets``, ``leaders``, ``lead_unit``; :data:`_CELL_ROLES`).
    """

    line: int
    end: tuple[int, int]
    units: dict[str, str] = field(default_factory=dict)
    cells: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Token:
    line: int
    start: int
    end: int
    text: str


def find_header(lines: list[str], start: int = 0) -> TableHeader | None:
    """The first project-table header at or after 0-based line index ``start`` (序号 and 项目名称 within five
    non-empty lines, with 总投资 or 用地), or None."""
    for i in range(start, len(lines)):
        if "序号" not in lines[i]:
            continue
        block = []
        for j in range(i, min(len(lines), i + 12)):
            if j > i and re.match(r"\s*\d", lines[j]) or len(block) == 5:
                break  # the first row, or far enough
            block += [j] if lines[j].strip() else []
        text = " ".join(lines[j] for j in block)
        if "项目名称" not in text or not re.search("总投资|用地", text):
            continue
        found = []
        for col, rx in _UNIT_RE.items():
            m = rx.search(text)
            if m:
                found.append((m.start(), col, m.group(1)))
        end = (i + 1, 0)
        for j in block:
            for w in _COLUMN_WORDS:
                k = lines[j].rfind(w)
                if k >= 0 and (j + 1, k + len(w)) > end:
                    end = (j + 1, k + len(w))
        return TableHeader(i + 1, end, {col: unit for _, col, unit in sorted(found)}, _cell_roles(text))
    return None


def _cell_roles(header_text: str) -> list[str]:
    """Roles of the text columns a header names, in its order (:data:`_CELL_ROLES`)."""
    found: list[tuple[int, int, str]] = []
    for word, role in _CELL_ROLES:
        for m in re.finditer(word, header_text):
            if not any(a <= m.start() < b for a, b, _ in found):
                found.append((m.start(), m.end(), role))
    return [role for _, _, role in sorted(found)]


def _tokens(lines: list[str], header: TableHeader) -> list[_Token]:
    out = []
    for i in range(header.end[0] - 1, len(lines)):
        line = lines[i]
        if _TRAILER.match(line) or (i + 1 > header.end[0] and "序号" in line and "项目名称" in line):
            break  # the page's trailer, or the next table
        for m in re.finditer(r"\S+", line):
            if (i + 1, m.start()) >= header.end:
                out.append(_Token(i + 1, m.start(), m.end(), m.group(0)))
    return out


def _row_start(tokens: list[_Token], k: int, n_figures: int, expected: int) -> tuple[int, int] | None:
    """If token k opens row ``expected``: (index of its first figure, index after its figures)."""
    if tokens[k].text != str(expected):
        return None
    j = k + 1
    while j < len(tokens) and j - k <= 8 and not _NUMBER.match(tokens[j].text):
        if _NAME_STOP.search(tokens[j].text):
            return None
        j += 1
    figs = tokens[j:j + n_figures]
    if j == k + 1 or len(figs) < n_figures or not all(_NUMBER.match(t.text) for t in figs):
        return None
    if not re.search(r"[\u4e00-\u9fff]", "".join(t.text for t in tokens[k + 1:j])):
        return None
    return j, j + n_figures


@dataclass
class _Row:
    number: int
    start: int           # token index of 序号
    figures: tuple[int, int]
    end: int = 0          # token index where the next row's leading tail or 序号 starts


def _rows(tokens: list[_Token], n_figures: int) -> list[_Row]:
    rows, expected, k = [], 1, 0
    while k < len(tokens):
        hit = _row_start(tokens, k, n_figures, expected)
        if hit:
            rows.append(_Row(expected, k, hit))
            expected += 1
            k = hit[1]
        else:
            k += 1
    for a, b in zip(rows, rows[1:]):
        a.end = b.start
    if rows:
        rows[-1].end = len(tokens)
    return rows


def _figure(token: _Token, col: str, unit: str) -> tuple[dict, str]:
    """Columns of one figure cell (``total_investment*`` or ``land*``) and a note ('' when fine)."""
    base = col.removesuffix("_raw")
    if token.text in "/／—－-":
        return {}, ""
    raw = token.text if _BARE_UNIT.get(col) == unit else token.text + unit
    try:
        q = parse_quantity(raw, default_unit=_BARE_UNIT.get(col))
    except QuantityParseError as e:
        return {}, f"{base} {token.text!r} not read ({e})"
    cells = {base: q.value, col: raw}
    if base == "land":
        cells["land_unit"] = q.unit
    else:
        cells["total_investment_qualifier"] = q.qualifier
    return cells, ""


def _is_person(tok: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", tok)) and not tok.endswith(_UNIT_SUFFIX)


def _is_tail(tok: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff()（）]{2,20}", tok))


def _split_tail(frags: list[list[_Token]]) -> tuple[list[list[_Token]], list[str], list[str]]:
    """Split a row's fragments into (body fragments, leaders, lead units): the tail is the trailing fragments
    made only of short CJK tokens (names of people and units)."""
    leaders: list[str] = []
    units: list[str] = []
    while frags and _is_tail_fragment(frags[-1]):
        last = frags.pop()
        for t in reversed(last):
            (leaders if _is_person(t.text) else units).insert(0, t.text)
    return frags, leaders, units


def _is_tail_fragment(frag: list[_Token]) -> bool:
    return len(frag) <= 4 and all(_is_tail(t.text) for t in frag)


def _last_row(frags: list[list[_Token]]) -> list[list[_Token]]:
    """The fragments of a table's last row: up to its leaders and lead unit, else at most a few lines (the text
    after a table has no end marker)."""
    for k, frag in enumerate(frags):
        if _is_tail_fragment(frag):
            end = k + 1
            while end < len(frags) and _is_tail_fragment(frags[end]):
                end += 1
            return frags[:end]
    return frags[:3]


def _fragments(tokens: list[_Token]) -> list[list[_Token]]:
    """Tokens grouped by line."""
    out: list[list[_Token]] = []
    for t in tokens:
        if out and out[-1][0].line == t.line:
            out[-1].append(t)
        else:
            out.append([t])
    return out


_SECTOR_WORDS = (("research", "研究院|中试|研发中心"), ("energy_infrastructure", "抽水蓄能|电站|风光储|电网"),
                 ("chemicals_pharma", "药|制剂|CDMO|医化|化工"), ("medical_devices", "医疗器械"),
                 ("new_materials", "新材料"), ("new_energy", "新能源|电池|汽车|光伏"),
                 ("logistics_building_materials", "建材|物流|水泥"), ("commerce", "电商|商贸|商业|邻里中心"),
                 ("digital_economy", "数字|软件|信息"), ("equipment", "装备|设备|机械|泵"),
                 ("water_infrastructure", "污水|排水|水环境|供水"), ("industrial_park", "产业园|厂房|园区|基地"))

#: Progress words → the stage reached, the latest stage first. The stage vocabulary has no design stage: a design
#: approved (设计方案已评审) is one of the 前期 steps it counts as ``landed``.
_STAGE_WORDS = (("production", r"已投产|已竣工投产"), ("construction", r"已开工|正在建设|在建"),
                ("land_acquired", r"已完成租地|已摘牌|已摘地|已竞得|已完成土地招拍挂"),
                ("landed", r"已落地|(?:设计|规划)?方案已(?:评审|批复|通过)|已完成(?:方案)?设计|已立项|环评已批复"),
                ("signed", r"已签约|正式协议已签订|已签订正式"), ("framework_signed", r"框架协议已签订|已签订框架协议"))


def _sector(name: str) -> str:
    return next((s for s, rx in _SECTOR_WORDS if re.search(rx, name)), "other")


#: Words of a table's title that make its rows projects being attracted (重大招商项目推进责任分解表).
_ATTRACTING = re.compile(r"招商|招引|洽谈|在谈|拟引进|引进")


def table_title(lines: list[str], header: TableHeader, look_back: int = 3) -> str:
    """The short lines (title, 附件, heading: at most 40 characters, no 。) just before a table's header, at most
    ``look_back`` non-empty ones, up to the first line of prose; joined by spaces."""
    out: list[str] = []
    for text in reversed(lines[:header.line - 1]):
        text = text.strip()
        if not text:
            continue
        if len(text) > 40 or "。" in text or len(out) == look_back:
            break
        out.insert(0, text)
    return " ".join(out)


def _stage(progress: str, investor: str, attracting: bool = True) -> tuple[str, str]:
    """Stage reached (a code of the ``stage`` vocabulary) and why; with no progress word, ``negotiation`` for a
    table of projects being attracted (``attracting``: its title says 招商/招引/洽谈), else ``unknown`` (a work
    report's 重点项目 table does not say how far its projects are)."""
    for stage, rx in _STAGE_WORDS:
        m = re.search(rx, progress)
        if m:
            early = stage == "landed" and m.group(0) != "已落地"
            return stage, f"stage from 「{m.group(0)}」" + (" (a 前期 step: no design stage in the vocabulary)"
                                                           if early else "")
    if investor.startswith("意向"):
        return "planning", "stage planning: investors are candidates (意向企业)"
    if not attracting:
        return "unknown", "stage not stated (no progress column or word; the table's title names no attraction)"
    return "negotiation", "stage negotiation: a row of a table of projects being attracted, no later stage stated"


# --- milestones ---------------------------------------------------------------------------------------------

_MONTH_RE = re.compile(r"^\s*(?P<m1>\d{1,2})\s*(?:[-－~～至到]\s*(?P<m2>\d{1,2})\s*)?月(?P<suf>底前|前|底|初(?!步)|中旬|上旬|下旬|末)?")
_YEAR_END_RE = re.compile(r"年底|年末")
_KIND_WORDS = (("framework_signed", r"框架协议"), ("negotiation_done", r"完成.{0,6}谈判|谈判完成"),
               ("signed", r"签约|正式(?:合作)?协议"), ("land_conversion", r"农转用"),
               ("land_acquired", r"招拍挂|摘牌|摘地|竞得"), ("planning_approved", r"规划调整|纳入.*规划|规划.{0,4}批"),
               ("site_selected", r"选址"), ("design", r"设计|预可研"), ("construction_start", r"开工|动工|^建设"),
               ("production_start", r"投产|试生产"), ("completed", r"建成|竣工|完工"), ("landed", r"落地"),
               ("organisation", r"成员单位|章程|设立申报|备案|挂牌|注册成立"))
_NO_MILESTONE = re.compile(r"^(?:深入对接|继续跟踪|跟踪对接|具备.{0,8}条件)")
_KIND_STAGE = {"framework_signed": "framework_signed", "signed": "signed", "landed": "landed",
               "land_acquired": "land_acquired", "construction_start": "construction",
               "production_start": "production"}
_KIND_EN = {t.code: t.en for t in MILESTONE_KIND}


def _planned(year: str | None, m1: int, m2: int | None) -> str:
    if not year:
        return "unknown"
    return f"{year}-{m1:02d}" + (f"/{year}-{m2:02d}" if m2 else "")


def milestones_from_text(text: str, year: str | None) -> list[dict]:
    """Milestones in a target text (全年工作目标): one per kind of action per month.

    Parameters
    ----------
    text : str
        The targets, e.g. ``4 月一期项目签约;5月一期项目落地;8月一期项目开工建设。``
    year : str or None
        The year the months are in (YYYY); None gives ``planned`` = ``unknown``.

    Returns
    -------
    list of dict
        ``planned``, ``kind``, ``stage``, ``description_en``, ``value`` (yuan, investment_amount only), ``raw``
        (the month, or the amount, as written), ``start``, ``end`` (offsets of the amount in ``text``) and ``note``.
    """
    out = []
    for cm in re.finditer(r"[^;；。]+", text):
        clause, base = cm.group(0), cm.start()
        m = _MONTH_RE.match(clause)
        if m:
            when = (int(m.group("m1")), int(m.group("m2")) if m.group("m2") else None)
            raw = re.sub(r"\s+", "", m.group(0))
            body_start = m.end()
        elif _YEAR_END_RE.search(clause):
            when, raw, body_start = (12, None), _YEAR_END_RE.search(clause).group(0), 0
        else:
            continue  # an undated task
        body = clause[body_start:]
        for am in re.finditer(r"[^,，]+", body):
            action = am.group(0).strip()
            out += _actions(action, base + body_start + am.start() + (len(am.group(0)) - len(am.group(0).lstrip())),
                            _planned(year, *when), raw, clause)
    return out


def _actions(action: str, offset: int, planned: str, raw: str, clause: str) -> list[dict]:
    if not action:
        return []
    note = "争取: strive for" if "争取" in clause else ""
    money = [f for f in money_figures(action) if "投资" in action[:f.start]]
    if money:
        f = money[0]
        return [{"planned": planned, "kind": "investment_amount", "stage": None, "value": f.value, "raw": f.raw,
                 "description_en": f"Investment completed by the month ({action})", "start": offset + f.start,
                 "end": offset + f.end, "note": note}]
    hits = sorted((mm.start(), kind) for kind, rx in _KIND_WORDS for mm in [re.search(rx, action)] if mm)
    kinds = list(dict.fromkeys(k for _, k in hits))
    if not kinds:
        if _NO_MILESTONE.match(action):
            return []
        kinds = ["other"]
    return [{"planned": planned, "kind": k, "stage": _KIND_STAGE.get(k), "value": None, "raw": raw,
             "description_en": f"{_KIND_EN[k].capitalize()} ({action})", "start": None, "end": None,
             "note": note} for k in kinds]


# --- the table ----------------------------------------------------------------------------------------------


def _table_rows(lines: list[str], header: TableHeader, info: DocumentInfo, stem: str, k0: int
                ) -> tuple[list[dict], list[dict], set[Span], int, set[Span]]:
    """Projects, milestones, claimed spans, the last line of the table under ``header`` and the spans of its
    content cells (项目内容, 建设内容). A header that names its text columns decides the investor: none when it has
    no 投资方/投资主体 column."""
    tokens = _tokens(lines, header)
    cols = list(header.units)
    rows = _rows(tokens, len(cols))
    year = info.published[:4] if info.published else None
    projects, milestones, claimed, contents = [], [], set(), set()
    last_line = header.end[0]
    has_investor = not header.cells or "investor" in header.cells
    attracting = bool(_ATTRACTING.search(table_title(lines, header)))
    for i, row in enumerate(rows):
        after = row.figures[1]
        investor = tokens[after].text if after < row.end and has_investor else ""
        fig_line = tokens[row.figures[0]].line
        rest = tokens[after + int(has_investor):row.end]
        content = [t for t in rest if t.line == fig_line]
        frags = _fragments([t for t in rest if t.line != fig_line])
        if i == len(rows) - 1:
            on_line = [t for t in tokens[after:row.end] if t.line == fig_line]
            # a last row that fills every column on its line ends there: the lines after it are not the table's
            frags = [] if header.cells and len(on_line) == len(header.cells) else _last_row(frags)
        last_line = max([last_line, fig_line] + [f[-1].line for f in frags])
        on_line = [t for t in tokens[after:row.end] if t.line == fig_line]
        one_line = _one_line_cells(on_line, header.cells) if not frags and on_line else None
        if one_line is not None:  # the whole row on one line: its cells by the header's columns
            investor = " ".join(t.text for t in one_line["investor"])
            content = one_line["content"]
            progress = [one_line["progress"]] if one_line["progress"] else []
            targets = one_line["targets"] or None
            leaders = [t.text for t in one_line["leaders"]]
            units = [t.text for t in one_line["lead_unit"]]
        else:
            # the next row's 序号 may follow this row's leaders and lead unit on its line: they end this row
            body, leaders, units = _split_tail(frags)
            progress, targets = _progress_and_targets(body)
        pid = f"{stem}-p{k0 + i + 1:02d}"
        name = "".join(t.text for t in tokens[row.start + 1:row.figures[0]])
        stage, why = _stage("".join(t.text for f in progress for t in f), investor, attracting)
        rec = {"project_id": pid, "region": info.region or "unknown", "table_row": row.number, "name_zh": name,
               "name_en": name, "sector": _sector(name), "investor_zh": investor or None, "stage": stage,
               "stage_as_of": info.published or "unknown", "leaders_zh": ";".join(leaders) or None,
               "lead_unit_zh": ";".join(units) or None, "doc": info.doc, "line": fig_line}
        notes = [f"extracted from table row {row.number} (line {header.line} header)", why,
                 "name_en not translated"]
        for col, tok in zip(cols, tokens[row.figures[0]:row.figures[1]]):
            cells, problem = _figure(tok, col, header.units[col])
            rec.update(cells)
            notes += [problem] if problem else []
            claimed.add((tok.line, tok.start, tok.end))
        claimed.add((tokens[row.start].line, tokens[row.start].start, tokens[row.start].end))
        if not content and not progress:
            notes.append("row has no content or progress (cut off?)")
        contents |= {(t.line, t.start, t.end) for t in content}
        rec["note"] = "; ".join(notes)
        projects.append(rec)
        if targets:
            milestones += _row_milestones(targets, lines, pid, info, year, claimed)
    return projects, milestones, claimed, last_line, contents


_ROLES = ("investor", "content", "progress", "targets", "leaders", "lead_unit")


def _one_line_cells(cells: list[_Token], roles: list[str]) -> dict[str, list[_Token]] | None:
    """The cells of a row written on one line (``序号 name figures investor progress targets unit``), by the roles
    of the header's text columns: one token per column when the counts agree; else the investor first, the
    leaders and lead unit from the end (short CJK names), the targets from the first cell that opens with a month,
    the progress between. None when the header has no roles, or has a content column and the counts disagree
    (a long 项目内容 spreads over tokens that cannot be told apart)."""
    if not roles:
        return None
    out: dict[str, list[_Token]] = {r: [] for r in _ROLES}
    if len(cells) == len(roles):
        for role, tok in zip(roles, cells):
            out[role].append(tok)
        return out
    if "content" in roles:
        return None
    rest = list(cells)
    if roles[0] == "investor" and rest:
        out["investor"].append(rest.pop(0))
    tail_roles = [r for r in roles if r in ("leaders", "lead_unit")]
    while tail_roles and rest and _is_tail(rest[-1].text):
        tok = rest.pop()
        out["leaders" if _is_person(tok.text) and "leaders" in tail_roles else tail_roles[-1]].insert(0, tok)
    k = next((i for i, t in enumerate(rest) if _MONTH_RE.match(t.text) or re.search(r"年底|年末", t.text)),
             len(rest))
    if "targets" in roles:
        out["targets"] = rest[k:]
        rest = rest[:k]
    out["progress" if "progress" in roles else "content"] = rest
    return out


def _progress_and_targets(body: list[list[_Token]]) -> tuple[list[list[_Token]], list[_Token] | None]:
    """The last body fragment is the targets when there are two or more, or when it names a month."""
    if not body:
        return [], None
    last = " ".join(t.text for t in body[-1])
    if len(body) >= 2 or _MONTH_RE.match(last) or re.search(r"\d\s*月|年底|年末", last):
        return body[:-1], body[-1]
    return body, None


def _row_milestones(targets: list[_Token], lines: list[str], pid: str, info: DocumentInfo, year: str | None,
                    claimed: set[Span]) -> list[dict]:
    line_no = targets[0].line
    start = targets[0].start
    text = lines[line_no - 1][start:targets[-1].end]
    out = []
    for n, m in enumerate(milestones_from_text(text, year), start=1):
        if m["start"] is not None:
            claimed.add((line_no, start + m["start"], start + m["end"]))
        out.append({"milestone_id": f"{pid}-m{n:02d}", "project_id": pid, "planned": m["planned"],
                    "kind": m["kind"], "stage": m["stage"], "description_en": m["description_en"],
                    "value": m["value"], "raw": m["raw"], "doc": info.doc, "line": line_no,
                    "note": m["note"] or None})
    return out


# --- projects named in sentences ----------------------------------------------------------------------------

_NAME = r"[\u4e00-\u9fffA-Za-z0-9()（）·-]"
_PROJECT_END = r"(?:项目|工程|产业园|公园|园区|基地)"
_AREA_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>万平方米|平方米|平方公里|公顷|亩)")
_FIG_THEN_NAME = re.compile(r"\s*的(?P<name>" + _NAME + r"{2,25}?" + _PROJECT_END + r")")
_NAME_THEN_FIG = re.compile(r"(?P<name>" + _NAME + r"{2,25}" + r"(?:项目|工程))[,,]?\s*(?P<key>总投资|摘地|用地|占地)(?:约|达)?\s*$")
_NAME_LEAD = re.compile(r"^(?:推进|加快|实施|建设|其中|如|包括|引进|签约|开工|完成|推动|总投资)+")
_NOT_LAND = re.compile(r"(?:建筑面积|面积|厂房|绿化|用房)\s*(?:约|达|共计)?\s*$")
_SENTENCE_STAGES = (("framework_signed", r"框架协议|战略合作协议|意向协议"), ("land_acquired", r"摘地|摘牌|竞得"),
                    ("production", r"投产"), ("construction", r"开工|在建|实施了|续建"), ("signed", r"签约|签署"),
                    ("landed", r"落户|落地"), ("planning", r"方案|谋划|规划"))


def _sentence_figures(line: str) -> list[tuple[int, int, str, str]]:
    """(start, end, raw, column) of money (``total_investment_raw``) and land (``land_raw``) figures in a line."""
    out = [(f.start, f.end, f.raw, "total_investment_raw") for f in money_figures(line) if f.currency == "yuan"]
    for m in _AREA_RE.finditer(line):
        if not _NOT_LAND.search(line[max(0, m.start() - 8):m.start()]):
            out.append((m.start(), m.end(), re.sub(r"\s+", "", m.group(0)), "land_raw"))
    return sorted(out)


def _sentence_project(line: str, start: int, end: int, col: str) -> str | None:
    """The project a figure belongs to: ``<figure>的<name>`` or ``<name>总投资/摘地/用地<figure>``."""
    m = _FIG_THEN_NAME.match(line, end)
    if m and (col == "total_investment_raw" or not line[max(0, start - 4):start].endswith("总投资")):
        return m.group("name")
    m = _NAME_THEN_FIG.search(line[max(0, start - 40):start])
    if m and (m.group("key") == "总投资") == (col == "total_investment_raw"):
        return _NAME_LEAD.sub("", m.group("name")) or None
    return None


def _sentence_projects(lines: list[str], info: DocumentInfo, stem: str, k0: int, skip: set[int]
                       ) -> tuple[list[dict], set[Span]]:
    """Projects named with a figure in sentences outside the tables (lines in ``skip``)."""
    out: list[dict] = []
    claimed: set[Span] = set()
    for no, line in enumerate(lines, start=1):
        if no in skip:
            continue
        for start, end, raw, col in _sentence_figures(line):
            name = _sentence_project(line, start, end, col)
            if not name:
                continue
            q = parse_quantity(raw)
            clause = re.search(r"[^。；;]*$", line[:start]).group(0) + re.match(r"[^。；;]*", line[start:]).group(0)
            stage = next((st for st, rx in _SENTENCE_STAGES if re.search(rx, clause)), "unknown")
            rec = {"project_id": f"{stem}-p{k0 + len(out) + 1:02d}", "region": info.region or "unknown",
                   "name_zh": name, "name_en": name, "sector": _sector(name), "stage": stage,
                   "stage_as_of": info.published or "unknown", "doc": info.doc, "line": no, col: raw,
                   "note": f"extracted from a sentence; stage {stage} from its words; name_en not translated"}
            if col == "land_raw":
                rec.update(land=q.value, land_unit=q.unit)
            else:
                rec.update(total_investment=q.value, total_investment_qualifier=q.qualifier)
            out.append(rec)
            claimed.add((no, start, end))
    return out, claimed


def projects_from_lines(lines: list[str], info: DocumentInfo) -> tuple[pd.DataFrame, pd.DataFrame, set[Span]]:
    """Projects and milestones proposed from the project tables in a document's lines.

    Parameters
    ----------
    lines : list of str
        The document's plain-text lines (``line`` counts them from 1).
    info : DocumentInfo
        Document file name, region and publication date (its year dates the months of the targets).

    Returns
    -------
    projects : pandas.DataFrame
        Rows in the ``projects`` schema (total investment in yuan, land in mu or m²).
    milestones : pandas.DataFrame
        Rows in the ``milestones`` schema.
    claimed : set of (int, int, int)
        (line, start, end) spans of the table's 序号 and figure cells and of the milestones' amounts, so that the
        observation extractor skips them.
    """
    stem = doc_stem(info.doc)
    projects: list[dict] = []
    milestones: list[dict] = []
    claimed: set[Span] = set()
    start = 0
    table_lines: set[int] = set()
    while (header := find_header(lines, start)) is not None:
        if header.units:
            p, m, c, last, _ = _table_rows(lines, header, info, stem, len(projects))
            projects, milestones, claimed = projects + p, milestones + m, claimed | c
            table_lines |= set(range(header.line, last + 1))
            start = max(last, header.line)
        else:
            start = header.line
    p, c = _sentence_projects(lines, info, stem, len(projects), table_lines)
    projects, claimed = projects + p, claimed | c
    return rows_frame("projects", projects), rows_frame("milestones", milestones), claimed


def content_spans(lines: list[str]) -> set[Span]:
    """(line, start, end) spans of the content cells (项目内容, 建设内容) of the project tables in ``lines``.

    A table's content column says what a project is to build (建设智能仓储20万平方米): its figures are planned
    specifications (status ``plan``), whatever the section around the table reports.
    """
    out: set[Span] = set()
    start = 0
    info = DocumentInfo("table.txt")
    while (header := find_header(lines, start)) is not None:
        if not header.units:
            start = header.line
            continue
        *_, last, contents = _table_rows(lines, header, info, "t", 0)
        out |= contents
        start = max(last, header.line)
    return out
