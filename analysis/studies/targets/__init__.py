"""Study 03, "Targets, milestones and what happened" (notebook ``03-target-versus-actual``).

* :mod:`analysis.studies.targets.report`: the narrative: :func:`run` (parameters checked, data loaded and
  selected, every section built) returns an :class:`analysis.reporting.Report`; one ``section_*`` function per
  section, each taking the selected data (:class:`TargetData`) and returning a
  :class:`~analysis.reporting.Section`;
* :mod:`analysis.studies.targets.tables`: the tables the sections show, built from a Dataset (attainment,
  pace against time progress, ambition, the responsibility table, milestones, stages, heat map, statistical
  samples, provenance ids) and the sentences of sections 1 and 2.

Every public name of both is re-exported here: ``from analysis.studies import targets; targets.run()``.
"""

from . import report, tables
from .report import (QUESTION, SECTIONS, STUDY, TITLE, TargetData, check_snail_days, provenance_table, run,
                     section_ambition, section_attainment, section_checks, section_funnel, section_heatmap,
                     section_milestones, section_pace, section_projects, select)
from .tables import (ADDITIVE_UNITS, COVERAGE_KINDS, PAIR_CAVEATS, RELATED_INDICATORS, Sentence, ambition_rows,
                     coverage_sentence, figure_text, flag_table, funnel_chart_frame, heatmap_frame, milestone_frame,
                     no_actual_sentence, pace_rows, pace_sentence, pace_verdict, project_table, projection_sentence,
                     projection_text, projects_in, provenance_ids, regression_sample, stage_table, status_counts,
                     table_coverage, target_actual_pairs, target_coverage, time_basis_text, to_date_sentence)

__all__ = [*report.__all__, *tables.__all__]
