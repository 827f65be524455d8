"""Study 01, investment growth (notebook ``01-investment-growth``): its tables and its report.

``growth.run(data_dir=..., regions=..., period=..., as_of=..., indicator=..., top_k=...)`` returns the
:class:`~analysis.reporting.Report` the notebook displays. Two modules, re-exported here:

* :mod:`analysis.studies.growth.tables`: what the study picks from a dataset, in tidy frames (selection,
  levels and implied bases, components and pulls, count versus value, 增长N倍, the scoreboard, trends);
* :mod:`analysis.studies.growth.report`: one function per section, returning a
  :class:`~analysis.reporting.Section` with its question, findings, tables and figures, and :func:`run`, which
  checks the parameters (the shared ones through :func:`analysis.params.check_study_params`, ``indicator`` and
  ``top_k`` through :func:`check_params`), loads and selects the data and builds every section.

A new section goes in ``report.py`` (a function taking the selected observations and returning a Section, called
from :func:`run`); a new table it needs in ``tables.py``.
"""

from . import report, tables
from .report import (STUDY, TITLE, QUESTION, COMPONENT_NAMES, check_params, scope_section, levels_section,
                     components_section, count_value_section, times_section, scoreboard_section, trends_section, run)
from .tables import (TOTAL_INDICATOR, COMPONENT_INDICATORS, COUNT_VALUE_PAIRS, Selection, select_observations,
                     is_investment_indicator, levels_and_rates, prior_year_label, revision_table, component_keys,
                     component_table, component_check, pull_frame, subarea_shares, count_value_pairs, times_readings,
                     PARENT_REASON, region_parents, growth_panel, left_out_regions, race_table, race_stability,
                     reward_counts, level_series, trend_table, used_obs_ids, growth_bars, race_rewards)

__all__ = [*report.__all__, *tables.__all__]
