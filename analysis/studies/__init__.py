"""The studies: one module per study, each holding its tables and its narrative.

* :mod:`analysis.studies.overview` (00): what the dataset holds;
* :mod:`analysis.studies.growth` (01): investment growth, its components and the investment race (赛马);
* :mod:`analysis.studies.funds` (02): fund leverage;
* :mod:`analysis.studies.targets` (03): targets against actual outcomes.

Each module's ``run(**params)`` validates the study's parameters, loads and selects the data, builds every
section and returns a :class:`analysis.reporting.Report`; its notebook only displays it.
"""
