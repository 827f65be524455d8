"""The ``investment-extract`` command: documents in, a draft dataset folder out.

::

    investment-extract DOC... -o FOLDER [--region NAME] [--published YYYY-MM-DD]

Reads each document (txt, md, html, htm, docx, pdf), proposes rows in the project's tables and writes the draft
folder (:mod:`analysis.extract.draft`) with ``review.html``. Prints what it wrote (rows per table) and the
command that runs the studies on it. Exit status: 0 written, 2 a usage error (argparse's message), 1 any other
error, as one line naming the file (no traceback).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shlex
import sys
import warnings
from pathlib import Path

__all__ = ["main", "build_parser", "parse_published"]


def parse_published(text: str) -> str:
    """A publication date as given, checked: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a real date).

    Raises
    ------
    argparse.ArgumentTypeError
        Naming what was expected and what was found.
    """
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text.strip())
    expected = f"expected a date YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2023-12-31); found {text!r}"
    if not m:
        raise argparse.ArgumentTypeError(expected)
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{expected} ({e})") from None
    if not 1900 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"{expected} (a year between 1900 and 2100)")
    return text.strip()


def _region(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected the name of a region; found an empty string")
    return text.strip()


def build_parser() -> argparse.ArgumentParser:
    """The command's argument parser."""
    p = argparse.ArgumentParser(
        prog="investment-extract",
        description="Propose rows of the project's tables (observations, funds, equity stakes, projects, "
                    "milestones) from documents, each citing its document and line, and write them as a draft "
                    "dataset folder that load_dataset and the studies read, with review.html to check them.")
    p.add_argument("documents", nargs="+", metavar="DOC", type=Path,
                   help="documents to read: .txt or .md (UTF-8 or GB18030), .html/.htm, .docx, .pdf with a text layer")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FOLDER",
                   help="draft folder to write (new, empty, or an earlier unchanged draft, which is replaced)")
    p.add_argument("--region", type=_region, metavar="NAME", help="region the documents are about")
    p.add_argument("--published", type=parse_published, metavar="YYYY-MM-DD",
                   help="publication date (YYYY, YYYY-MM or YYYY-MM-DD): 今年, 一季度, 去年 are read from it")
    return p


def _summary(draft, folder: Path) -> str:
    """What was written: rows per table, uncertain and damaged rows, new indicators, and the next commands."""
    obs = draft.tables["observations"]
    flags = ""
    if "quality" in obs and len(obs):
        flags = (f" ({int((obs['quality'] == 'uncertain').sum())} uncertain, "
                 f"{int((obs['quality'] == 'damaged').sum())} damaged)")
    counts = ", ".join(f"{t} {len(df)}" + (flags if t == "observations" else "") for t, df in draft.tables.items())
    n_docs = len(draft.lines)
    return "\n".join([
        f"Wrote the draft dataset {folder} from {n_docs} document(s):",
        f"  rows: {counts}",
        f"  new indicators: {len(draft.new_indicators)} (in indicators.csv, beside the codebook's)",
        f"  plain text: {folder / 'text'}; review: {folder / 'review.html'}",
        "Check it in review.html, then run the studies on it:",
        f"  investment-reports -p data_dir={shlex.quote(str(folder))}",
    ])


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text if text else type(e).__name__


def main(argv: list[str] | None = None) -> int:
    """Run the command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 when the draft was written, 1 on an error (one line on stderr, naming the file), 2 on a usage error.
    """
    from .core import extract_file
    from .draft import DraftFolderError, merge_drafts, write_draft

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse printed its message
        return int(e.code or 0)
    drafts = []
    for path in args.documents:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                drafts.append(extract_file(path, region=args.region, published=args.published))
            for w in caught:
                print(f"investment-extract: warning: {_one_line(w.message)}", file=sys.stderr)
        except Exception as e:  # noqa: BLE001 - a command: one line naming the file, no traceback
            message = _one_line(e)
            if str(path) not in message:
                message = f"{path}: {type(e).__name__}: {message}"
            print(f"investment-extract: error: {message}", file=sys.stderr)
            return 1
    try:
        draft = merge_drafts(drafts)
        folder = write_draft(draft, args.output)
    except DraftFolderError as e:
        print(f"investment-extract: error: {_one_line(e)}", file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001
        print(f"investment-extract: error: {args.output}: {type(e).__name__}: {_one_line(e)}", file=sys.stderr)
        return 1
    print(_summary(draft, folder))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
