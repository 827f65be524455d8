"""One vocabulary (analysis.vocab): the sidecars, the parser, the formatters and the charts use its terms, and
the indicator list says which indicators are components of a total and which counts pair with which values.
Frames labelled *synthetic* are made up for the test."""

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import config, load_dataset, plots, targets, units
from analysis import vocab
from analysis.reporting import format as fmt
from analysis.schema import table_meta
from analysis.vocab import QUALIFIER, STAGE, Vocabulary, Term

SIDECARS = sorted(config.DEFAULT_DATA_DIR.glob("*.meta.yaml"))


def _columns():
    for path in SIDECARS:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, spec in raw["columns"].items():
            yield path, raw["table"], name, spec


def test_no_sidecar_lists_allowed_values_without_naming_a_vocabulary():
    loose = [f"{p.name}: {name}" for p, _, name, spec in _columns() if spec.get("allowed") and not spec.get("vocabulary")]
    assert not loose, f"allowed values written out instead of `vocabulary:` {loose}"
    named = [spec["vocabulary"] for *_, spec in _columns() if spec.get("vocabulary")]
    assert named.count("qualifier") == 7  # the qualifier list was repeated in seven columns of four sidecars


@pytest.mark.parametrize("path, table, name, spec", [c for c in _columns() if c[3].get("vocabulary")],
                         ids=lambda x: x if isinstance(x, str) else None)
def test_sidecar_allowed_values_are_the_vocabulary(path, table, name, spec):
    voc = vocab.vocabulary(spec["vocabulary"])
    col = table_meta(table).column(name)
    subset = spec.get("allowed") or [c for c in voc.codes if c not in (spec.get("exclude") or [])]
    assert list(col.allowed) == subset and set(col.allowed) <= set(voc.codes)
    for code in col.allowed:  # each value's meaning and words come with the column's description
        assert voc[code].describe() in col.description


def test_a_sidecar_subset_outside_its_vocabulary_is_refused(tmp_path):
    # synthetic sidecar: a currency that is not a unit code
    (tmp_path / "funds.meta.yaml").write_text(
        (config.DEFAULT_DATA_DIR / "funds.meta.yaml").read_text(encoding="utf-8").replace(
            "allowed: [yuan, usd]", "allowed: [yuan, eur]"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"funds.meta.yaml: column 'currency' allows \['eur'\], not codes of the "
                                         r"vocabulary 'unit'"):
        table_meta("funds", tmp_path)


def test_parser_constants_come_from_the_vocabulary():
    assert units.QUALIFIERS == QUALIFIER.codes
    assert units.LOWER_BOUND_QUALIFIERS == {"at_least", "more_than"} == QUALIFIER.where(bound="lower")
    assert units.UPPER_BOUND_QUALIFIERS == {"at_most", "just_under"} == QUALIFIER.where(bound="upper")
    assert set(units.UNITS) == set(vocab.UNIT.codes)
    assert table_meta("observations").column("unit").allowed == units.UNITS


@pytest.mark.parametrize("q", list(QUALIFIER), ids=lambda q: q.code)
def test_parser_reads_every_word_of_each_qualifier(q):
    for w in q.before:
        assert units.parse_quantity(f"{w}200亿元").qualifier == q.code, w
    for w in q.after:
        assert units.parse_quantity(f"200亿元{w}").qualifier == q.code, w
    for w in q.between:
        assert units.parse_quantity(f"200{w}亿元").qualifier == q.code, w
    assert set(q.before + q.between + q.after) <= set(q.zh)


@pytest.mark.parametrize("q", list(QUALIFIER), ids=lambda q: q.code)
def test_formatted_figure_reads_back_with_its_qualifier(q):
    text = units.format_quantity(units.Quantity(2e10, "yuan", q.code))
    assert units.parse_quantity(text).qualifier == q.code, text
    if q.prefix:
        assert text.startswith(q.prefix)


def test_every_unit_word_parses_to_its_unit_and_factor():
    for u in vocab.UNIT:
        for word, factor in u.factors.items():
            got = units.parse_quantity(f"3{word}")
            assert (got.unit, got.value) == (u.code, 3 * factor), word


def test_formatters_and_charts_are_keyed_by_the_vocabulary():
    assert set(fmt._QUALIFIER_WORDS) == set(QUALIFIER.codes)
    assert fmt.fmt_pct(5, qualifier="just_under") == "just under 5.0 %"
    assert tuple(plots._QUALIFIER_SYMBOL) == QUALIFIER.codes == tuple(plots._QUALIFIER_HATCH)
    assert tuple(plots.STATUS_COLOURS) == vocab.MILESTONE_STATUS.codes == targets.MILESTONE_STATUSES
    assert tuple(plots.MILESTONE_MARKERS) == vocab.MILESTONE_KIND.codes == table_meta("milestones").column("kind").allowed
    assert plots.STAGE_ORDER == targets.STAGE_ORDER == table_meta("milestones").column("stage").allowed
    assert table_meta("projects").column("stage").allowed == STAGE.codes == plots.STAGE_ORDER + ("unknown",)
    assert plots.STAGE_LABELS_ZH["negotiation"] == "招引洽谈" and plots.STAGE_LABELS_ZH["signed"] == "签约"
    assert targets.PROJECT_FLAGS == vocab.PROJECT_FLAG.codes


def test_a_map_keyed_by_a_vocabulary_must_cover_it():
    # synthetic vocabulary
    v = Vocabulary("colour", "synthetic", (Term("red", "red"), Term("blue", "blue")))
    assert v.mapping({"blue": 2, "red": 1}) == {"red": 1, "blue": 2}
    with pytest.raises(ValueError, match=r"missing \['blue'\]"):
        v.mapping({"red": 1})
    with pytest.raises(ValueError, match=r"not in it \['green'\]"):
        v.mapping({"red": 1, "blue": 2, "green": 3})
    with pytest.raises(KeyError, match="expected one of red, blue"):
        v["green"]


def test_codebook_lists_the_vocabularies_as_the_module_defines_them():
    text = (config.DATA_DIR / "CODEBOOK.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- begin vocabularies[^>]*-->\n(.*?)<!-- end vocabularies -->", text, re.S)
    assert block, "data/CODEBOOK.md has no generated vocabularies block"
    assert block.group(1) == vocab.codebook_markdown(), "regenerate with analysis.vocab.codebook_markdown()"


def test_library_docstrings_cite_the_codebook_not_files_outside_the_repository():
    owned = ["units.py", "schema.py", "io.py", "vocab.py", "targets.py"]
    for name in owned:
        assert "shared/domain.md" not in (config.PACKAGE_DIR / name).read_text(encoding="utf-8"), name


# --- indicator relations ------------------------------------------------------------------------------------


def test_components_and_pairs_of_the_embedded_list():
    ds = load_dataset()
    assert vocab.components(ds, "fixed_asset_investment") == ("government_investment", "industrial_investment")
    assert vocab.components(None, "fixed_asset_investment") == vocab.components(ds, "fixed_asset_investment")
    assert vocab.count_value_pairs(ds) == {
        "funds_and_major_projects": "funds_and_major_projects_total_investment",
        "new_start_projects": "new_start_projects_investment",
        "signed_projects_100m_plus": "signed_projects_100m_plus_investment"}
    assert vocab.totals(ds) == ("fixed_asset_investment",)
    assert vocab.components(ds, "gdp") == ()


def test_components_read_a_synthetic_indicator_table():
    # synthetic indicator list
    table = pd.DataFrame({"indicator": ["total", "a", "b", "n", "v"], "unit": ["yuan", "yuan", "yuan", "count", "yuan"],
                          "component_of": [None, "total", "total", None, None],
                          "pairs_with": [None, None, None, "v", None]})
    assert vocab.components(table, "total") == ("a", "b")
    assert vocab.count_value_pairs(table) == {"n": "v"}
    with pytest.raises(ValueError, match="'nothing' is not in indicators.csv"):
        vocab.components(table, "nothing")
    with pytest.raises(ValueError, match="expected a Dataset or the indicators table"):
        vocab.components([1, 2], "total")


def test_a_folder_can_declare_its_own_components(tmp_path):
    # synthetic: a region whose statistics split fixed-asset investment in a third, non-overlapping part
    from conftest import SYNTHETIC_ROWS, write_dataset

    rows = dict(SYNTHETIC_ROWS, indicators=[{"indicator": "other_investment", "indicator_zh": "其他投资",
                                             "description_en": "synthetic", "unit": "yuan",
                                             "component_of": "fixed_asset_investment"}])
    ds = load_dataset(write_dataset(tmp_path / "own", rows))
    assert vocab.components(ds, "fixed_asset_investment") == ("government_investment", "industrial_investment",
                                                              "other_investment")
