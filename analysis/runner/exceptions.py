"""The runner's error: a request it refuses before running anything."""


class RunnerError(ValueError):
    """A request the runner refuses before running anything (unknown study, parameter or type)."""
