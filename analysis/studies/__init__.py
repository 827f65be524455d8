"""The studies: one module per study, each with the tables it shows and its narrative.

Each module has one function per section (selected data in, :class:`analysis.reporting.Section` out) and
``run(**params) -> Report``, which validates the parameters, loads and selects the data and builds every section
(:mod:`analysis.reporting.model`). A notebook only calls ``run`` and displays the report's parts.

* :mod:`analysis.studies.overview`: 00, what the dataset holds.
* :mod:`analysis.studies.growth`: 01, investment growth, components and the investment race (a package: ``tables``
  and ``report``).
* :mod:`analysis.studies.funds`: 02, fund matrix and leverage (a package: ``tables`` and ``report``).
* :mod:`analysis.studies.targets`: 03, targets, milestones and what happened (a package: ``tables`` and
  ``report``).
"""
