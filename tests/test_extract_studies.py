"""The three studies run on a draft the extractor wrote from documents it had never seen (issue 10).

The documents are synthetic (tests/data/extract/unseen/: made-up places, written by the lead): a county's half-year
summary (text), a district's work report (.docx with a project table) and a city's bulletin (GBK HTML).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import load_dataset
from analysis.extract import extract_file, merge_drafts, write_draft
from analysis.studies import funds, growth, targets

UNSEEN = Path(__file__).parent / "data" / "extract" / "unseen"


@pytest.fixture(scope="module")
def draft_dir(tmp_path_factory):
    drafts = [extract_file(UNSEEN / "qinghe-2024h1.txt", region="Qinghe", published="2024-07-15"),
              extract_file(UNSEEN / "nanwan-2025.docx", region="Nanwan", published="2025-01-10"),
              extract_file(UNSEEN / "dongchuan-2025h1-gbk.html", region="Dongchuan", published="2025-07-20")]
    return write_draft(merge_drafts(drafts), tmp_path_factory.mktemp("draft") / "unseen")


def test_the_draft_loads_as_it_is(draft_dir):
    ds = load_dataset(draft_dir)
    assert set(ds.documents["region"]) == {"Qinghe", "Nanwan", "Dongchuan"}
    assert len(ds.observations) > 40 and len(ds.funds) >= 3 and len(ds.projects) == 4


def _findings(report) -> str:
    return "\n".join(f[0] for f in report.key_findings)


def test_growth_study_reads_the_extracted_rates(draft_dir):
    """Nanwan's 实际利用外资1.2亿美元,增长3倍 (+300 %): the base was 1.2亿 / 4 = 3000万美元."""
    text = _findings(growth.run(data_dir=str(draft_dir)))
    assert "**Nanwan**, 2024: 1.2亿美元, 增长3倍" in text and "the base was **3000万美元**" in text


def test_funds_study_reads_the_extracted_funds(draft_dir):
    """Qinghe's 基金总规模15亿元 over 认缴资金12亿元: leverage 1.25×; 已实缴5.4亿元 of 12亿: paid-in 45 %."""
    report = funds.run(data_dir=str(draft_dir))
    ratios = next(s for s in report.sections if s.id == "ratios")
    text = str(ratios)
    assert "leverage **1.25×**" in text and "paid-in ratio **45 %**" in text


def test_targets_study_runs_on_the_draft(draft_dir):
    """Dongchuan: 27 亿元以上 projects in 1-6月 against a 2025 target of at least 50: 54.0 %, time progress 50 %."""
    text = _findings(targets.run(data_dir=str(draft_dir), as_of="2025-07-20"))
    assert "亿元以上项目 27个 in 2025-01/2025-06 (to 2025-06-30) against a 2025 target of at least 50个" in text
    assert "attainment **54.0 %**" in text
