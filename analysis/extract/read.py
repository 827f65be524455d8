"""Documents as people have them, read into plain-text lines: the text the extractor's rows cite.

Formats, chosen by the file's suffix:

``.txt``, ``.md``
    UTF-8 (with or without a byte-order mark), else GB18030 (the superset of GBK that Chinese Windows writes)
    with a :class:`DocumentEncodingWarning`; a file in neither is refused with a message naming it.
``.html``, ``.htm``
    The text only (standard library :mod:`html.parser`): script, style and the head are dropped, block elements
    (p, div, br, li, tr, h1-h6, ...) end a line, table cells are joined by a space, entities are decoded,
    white space within a line is collapsed and empty lines are left out. Bytes are decoded as above, or in the
    charset the page declares.
``.docx``
    python-docx: the body's paragraphs and tables in document order, each table row one line (its cells'
    text joined by a space; a merged cell counted once).
``.pdf``
    pypdf: the text layer, page by page. A PDF without one (a scan) is refused: it needs OCR first.

Every line comes without its line break (``\\r\\n`` and ``\\r`` read as ``\\n``); ``line`` numbers in a draft count
these lines from 1, in the plain text saved beside the draft.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..io import DataEncodingWarning

__all__ = ["ReadResult", "read_document", "guess_kind", "DocumentReadError", "DocumentEncodingWarning", "SUFFIXES"]

#: File suffixes read, and the format each is read as.
SUFFIXES = {".txt": "txt", ".md": "txt", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


class DocumentReadError(ValueError):
    """A document that cannot be read into text; the message names the file and what was expected."""


class DocumentEncodingWarning(DataEncodingWarning):
    """A text document was not UTF-8 and was read as GB18030 (GBK)."""


@dataclass(frozen=True)
class ReadResult:
    """A document's plain text.

    Attributes
    ----------
    lines : list of str
        The text's lines, without line breaks; line 1 is ``lines[0]``.
    source_format : str
        ``txt``, ``html``, ``docx`` or ``pdf``.
    encoding : str
        How the bytes were decoded: ``utf-8``, ``gb18030`` or the page's charset; ``docx`` and ``pdf`` for those
        formats (their text is Unicode inside the file).
    title : str
        The document's title: the HTML ``<title>``, the .docx or PDF metadata title, else the first non-empty
        line, else the file name.
    """

    lines: list[str]
    source_format: str
    encoding: str
    title: str


def read_document(path: str | Path) -> ReadResult:
    """Read a document file (txt, md, html, htm, docx, pdf) into plain-text lines.

    Parameters
    ----------
    path : str or path
        The document.

    Returns
    -------
    ReadResult

    Raises
    ------
    DocumentReadError
        For a missing file, an unknown suffix, bytes in neither UTF-8 nor GB18030, a damaged .docx or PDF, and a
        PDF without a text layer; the message names the file.

    Warns
    -----
    DocumentEncodingWarning
        When a text or HTML file was read as GB18030.
    """
    path = Path(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise DocumentReadError(f"{path}: expected a document ending in {', '.join(SUFFIXES)}; "
                                f"found the suffix {path.suffix or '(none)'!r}")
    if not path.is_file():
        raise DocumentReadError(f"{path}: no such file")
    reader = {"txt": _read_txt, "html": _read_html, "docx": _read_docx, "pdf": _read_pdf}[fmt]
    lines, encoding, title = reader(path)
    lines = [_clean_line(x) for x in lines]
    return ReadResult(lines, fmt, encoding, title or _first_line(lines) or path.name)


#: Words of a title that say what kind of document it is (``document_kind`` codes), first match wins.
_KIND_WORDS = (("统计公报", "statistics"), ("政府工作报告", "government_work_report"), ("工作总结", "work_summary"),
               ("方案", "plan"), ("计划", "plan"), ("责任分解表", "plan"))


def guess_kind(title: str) -> str:
    """The ``document_kind`` a title names (统计公报 statistics, 政府工作报告 government_work_report, 工作总结
    work_summary, 方案/计划/责任分解表 plan), else ``other``."""
    return next((kind for word, kind in _KIND_WORDS if word in title), "other")


def _clean_line(line: str) -> str:
    """A line without the characters :meth:`str.splitlines` breaks at (form feed, vertical tab, NEL, U+2028, ...):
    each becomes a space, so that any reader of the saved text counts the same lines."""
    return re.sub(r"[\r\n\f\v\x1c\x1d\x1e\x85\u2028\u2029]", " ", line)


def _first_line(lines: list[str]) -> str:
    return next((x.strip() for x in lines if x.strip()), "")


def _split_lines(text: str) -> list[str]:
    """Text as lines: ``\\r\\n`` and ``\\r`` are line breaks; a final line break ends the last line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n") if text else []


def _decode(path: Path, data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Bytes as text: UTF-8 (BOM or not), else a declared charset, else GB18030 with a warning."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    if declared and declared.lower().replace("-", "") != "utf8":
        # GB2312 and GBK pages hold characters of their superset GB18030 more often than not
        enc = "gb18030" if declared.lower() in ("gb2312", "gbk", "gb18030", "x-gbk") else declared.lower()
        try:
            return data.decode(enc).removeprefix("\ufeff"), enc
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration: try GB18030
    try:
        text = data.decode("gb18030").removeprefix("\ufeff")
    except UnicodeDecodeError:
        line = data[:first_bad].count(b"\n") + 1
        raise DocumentReadError(
            f"{path}: expected text in UTF-8 or GB18030 (GBK); found bytes in neither, first at byte {first_bad} "
            f"(line {line}): {data[first_bad:first_bad + 4]!r}. Save it as UTF-8 and try again") from None
    warnings.warn(DocumentEncodingWarning(
        f"{path}: not UTF-8; read as GB18030 (GBK). Check its Chinese text in the draft's review.html"),
        stacklevel=4)
    return text, "gb18030"


def _read_txt(path: Path) -> tuple[list[str], str, str]:
    text, encoding = _decode(path, path.read_bytes())
    return _split_lines(text), encoding, ""


# --- HTML -------------------------------------------------------------------------------------------------

#: Elements whose content is not text a reader sees.
_SKIP = {"script", "style", "noscript", "template", "head", "svg", "object", "iframe"}
#: Elements that begin and end a line.
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot",
          "ul", "ol", "dl", "dt", "dd", "section", "article", "header", "footer", "nav", "aside", "main",
          "blockquote", "pre", "hr", "figure", "figcaption", "caption", "form", "fieldset", "address", "body"}
#: Elements after which a space separates the text (table cells).
_CELL = {"td", "th"}


class _TextParser(HTMLParser):
    """Collect a page's visible text as lines (entities decoded by the parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.title: list[str] = []

    def _break(self) -> None:
        line = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCK:
            self._break()

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK:
            self._break()
        elif tag in _CELL:
            self.current.append(" ")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skip_depth:
            self.current.append(data)

    def close(self) -> None:
        super().close()
        self._break()


def _declared_charset(data: bytes) -> str | None:
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", data[:4096], re.IGNORECASE)
    return m.group(1).decode("ascii") if m else None


def _read_html(path: Path) -> tuple[list[str], str, str]:
    data = path.read_bytes()
    text, encoding = _decode(path, data, _declared_charset(data))
    parser = _TextParser()
    parser.feed(text.replace("\r\n", "\n").replace("\r", "\n"))
    parser.close()
    return parser.lines, encoding, re.sub(r"\s+", " ", "".join(parser.title)).strip()


# --- .docx ------------------------------------------------------------------------------------------------

def _table_lines(table) -> list[str]:
    """One line per table row: the text of its cells (a merged cell once) joined by a space."""
    out = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = re.sub(r"\s+", " ", cell.text).strip()
            if text:
                cells.append(text)
        out.append(" ".join(cells))
    return out


def _read_docx(path: Path) -> tuple[list[str], str, str]:
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as e:  # not a .docx: a renamed .doc, a damaged zip
        raise DocumentReadError(f"{path}: expected a Word document (.docx); could not open it "
                                f"({type(e).__name__}: {e})") from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_table_lines(block))
        else:
            lines.extend(_split_lines(block.text) or [""])
    return lines, "docx", (document.core_properties.title or "").strip()


# --- PDF --------------------------------------------------------------------------------------------------

def _read_pdf(path: Path) -> tuple[list[str], str, str]:
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentReadError(f"{path}: expected a PDF that opens without a password; it is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except DocumentReadError:
        raise
    except Exception as e:  # not a PDF, or a damaged one
        raise DocumentReadError(f"{path}: expected a PDF with a text layer; could not read it "
                                f"({type(e).__name__}: {e})") from None
    if not any(p.strip() for p in pages):
        raise DocumentReadError(f"{path}: this PDF has no text layer ({len(pages)} page(s) of images only); it "
                                "needs OCR first (for example `ocrmypdf --language chi_sim IN.pdf OUT.pdf`)")
    lines: list[str] = []
    for text in pages:
        lines.extend(_split_lines(text))
    return lines, "pdf", title
