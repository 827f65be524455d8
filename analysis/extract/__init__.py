"""Figures from documents: a draft dataset, with provenance, from the text economists hold.

Reads a document (plain text in UTF-8 or GB18030, an HTML page, a .docx, a PDF with a text layer) and proposes rows
in the project's own tables (``observations``, ``funds``, ``equity_stakes``, ``projects``, ``milestones``), each
citing ``doc`` (file name) and ``line`` (1-based, in the plain text saved beside the draft) with ``raw`` as written.
Where the extractor is unsure it says so: ``quality = uncertain`` and a ``note`` with the reason; a damaged figure
is flagged (``quality = damaged``, value empty), never repaired.

Modules, one concern each:

* :mod:`analysis.extract.figures`: figures in a line of text (``find_figures``), with the traps the codebook names
* :mod:`analysis.extract.context`: status, period, growth, region and indicator of a figure from its sentence
* :mod:`analysis.extract.observations`: observation rows from a document's lines
* :mod:`analysis.extract.funds`: funds and equity stakes from fund sentences
* :mod:`analysis.extract.projects`: projects and milestones from flattened project tables
* :mod:`analysis.extract.read`: documents to plain text lines (txt, html, docx, pdf)
* :mod:`analysis.extract.core`: one document to a :class:`Draft` (``extract_text``, ``extract_file``)
* :mod:`analysis.extract.draft`: a draft folder that ``load_dataset`` reads as it is (``write_draft``)
* :mod:`analysis.extract.review`: ``review.html``, each line with its figures and the rows proposed from it
* :mod:`analysis.extract.evaluate`: recall and precision against a curated dataset
* :mod:`analysis.extract.cli`: the ``investment-extract`` command
"""

from .core import Draft, DocumentInfo, extract_file, extract_text
from .draft import merge_drafts, write_draft
from .evaluate import Evaluation, evaluate
from .figures import Figure, find_figures
from .read import ReadResult, read_document
from .review import render_review

__all__ = ["Draft", "DocumentInfo", "extract_file", "extract_text", "Figure", "find_figures", "write_draft",
           "merge_drafts", "read_document", "ReadResult", "render_review", "evaluate", "Evaluation"]
