"""Shared fixtures. All data made here is synthetic, for tests only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, settings

from analysis import config
from analysis.schema import table_meta

# Property tests: no per-example deadline (a loaded CI machine must not turn slowness into failures).
settings.register_profile("project", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("project")

#: A small valid dataset of a made-up region ("Testland"), written by the tests (synthetic, not from any document).
SYNTHETIC_ROWS = {
    "documents": [
        {"doc": "testland.txt", "title_en": "Synthetic test document", "kind": "work_summary", "publisher": "tests",
         "published": "2022", "period": "2022", "region": "Testland", "damaged": "false", "note": "synthetic"},
    ],
    "observations": [
        {"obs_id": "t-o01", "region": "Testland", "period": "2022", "measure": "flow", "indicator": "fixed_asset_investment",
         "indicator_zh": "固定资产投资", "status": "actual", "value": "2075000000", "unit": "yuan", "qualifier": "exact",
         "raw": "20.75亿元", "yoy_pct": "42.45", "yoy_qualifier": "exact", "yoy_raw": "42.45%", "quality": "ok",
         "doc": "testland.txt", "line": "3"},
        {"obs_id": "t-o02", "region": "Testland", "period": "2022", "measure": "flow", "indicator": "signed_projects_100m_plus",
         "indicator_zh": "签约亿元以上项目", "status": "target", "value": "25", "unit": "count", "qualifier": "exact",
         "raw": "25个", "quality": "ok", "doc": "testland.txt", "line": "4"},
    ],
    "funds": [
        {"fund_id": "t-f01", "region": "Testland", "sponsor": "Testland Fund Co", "fund_type": "mixed", "n_funds": "5",
         "status": "existing", "currency": "yuan", "total_size": "5645000000", "total_size_qualifier": "exact",
         "total_size_raw": "56.45亿元", "committed": "2900000000", "committed_qualifier": "exact", "committed_raw": "29亿元",
         "paid_in": "1500000000", "paid_in_qualifier": "exact", "paid_in_raw": "15亿元", "as_of": "2022",
         "doc": "testland.txt", "line": "5"},
    ],
    "projects": [
        {"project_id": "t-p01", "region": "Testland", "table_row": "1", "name_zh": "测试项目", "name_en": "Test project",
         "sector": "new_materials", "total_investment": "10000000000", "total_investment_qualifier": "exact",
         "total_investment_raw": "100", "land": "1000", "land_unit": "mu", "land_raw": "1000", "stage": "negotiation",
         "stage_as_of": "2022-01", "doc": "testland.txt", "line": "6"},
    ],
    "milestones": [
        {"milestone_id": "t-p01-m01", "project_id": "t-p01", "planned": "2022-04", "kind": "signed", "stage": "signed",
         "description_en": "sign", "raw": "4月", "doc": "testland.txt", "line": "7"},
    ],
}


def _synthetic_indicators(observations: list[dict]) -> list[dict]:
    """Rows of an indicators.csv for the indicators a synthetic test makes up (those not in the embedded list)."""
    from analysis.io import load_indicators
    from analysis.vocab import UNIT

    known, out = set(load_indicators()["indicator"]), {}
    for r in observations:
        name = r.get("indicator")
        if isinstance(name, str) and name and name not in known and name not in out:
            unit = r.get("unit") if r.get("unit") in UNIT else "count"
            out[name] = {"indicator": name, "indicator_zh": r.get("indicator_zh") or name,
                         "description_en": "synthetic indicator made up by a test", "unit": unit}
    return list(out.values())


def write_dataset(folder: Path, rows: dict[str, list[dict]] | None = None, fmt: str = "csv",
                  list_indicators: bool = True) -> Path:
    """Write a dataset folder with every table's full header and the given rows (missing cells empty).

    With ``list_indicators``, indicators the observations make up (not in the embedded list) get rows of an
    ``indicators.csv`` of the folder, as a user lists their own indicators.
    """
    rows = SYNTHETIC_ROWS if rows is None else rows
    if list_indicators and "indicators" not in rows:
        extra = _synthetic_indicators(rows.get("observations", []))
        rows = dict(rows, indicators=extra) if extra else rows
    folder.mkdir(parents=True, exist_ok=True)
    for table, table_rows in rows.items():
        cols = table_meta(table).column_names
        df = pd.DataFrame(table_rows, dtype=object).reindex(columns=cols)
        if fmt == "csv":
            df.to_csv(folder / f"{table}.csv", index=False)
        else:
            df.to_excel(folder / f"{table}.xlsx", index=False)
    return folder


@pytest.fixture
def nowhere_data(tmp_path) -> Path:
    """A copy of the synthetic test region (tests/data/testland) whose regions table also names "Nowhere", a
    region that no figure, fund or project names: a known region without data."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent / "data" / "testland", data)
    (data / "regions.csv").write_text("region,region_zh,doc,line,note\nNowhere,无处,testland.txt,1,synthetic\n",
                                      encoding="utf-8")
    return data


@pytest.fixture
def synthetic_dataset(tmp_path) -> Path:
    return write_dataset(tmp_path / "testland")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not config.SEEDS_DIR.is_dir():
        pytest.skip(f"source documents not found at {config.SEEDS_DIR} (set ANALYSIS_SEEDS_DIR); provenance not checked")
    return config.SEEDS_DIR
