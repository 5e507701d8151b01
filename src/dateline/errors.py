"""One exception tree for everything dateline raises on purpose.

    DatelineError
    ├── InputError            nothing usable could be read (bad path, empty corpus)
    ├── ModelNotFoundError    no English spaCy pipeline is installed
    ├── ConfigurationError    an argument or a rule file is invalid
    ├── StoreError            a store file is missing, not a dateline store, damaged, read-only
    │                         or of another schema version (the message says what to do)
    └── EvaluationError       a benchmark dataset is missing or malformed

Problems with *one* file or line never raise: they become :class:`dateline.records.Problem`
entries in the run's :class:`~dateline.records.IngestReport`, and the rest of the corpus is read.
"""

from __future__ import annotations


class DatelineError(Exception):
    """Base class: catch this to handle every error dateline raises on purpose."""


class InputError(DatelineError):
    """Nothing at all could be read from the paths given."""


class ModelNotFoundError(DatelineError):
    """No English spaCy pipeline is installed; the message says how to install one."""


class ConfigurationError(DatelineError, ValueError):
    """An argument or a rule/data file is invalid; the message names it and suggests a fix."""


class EvaluationError(DatelineError):
    """A benchmark dataset is missing or not in the expected layout."""


class StoreError(DatelineError):
    """A store file cannot be used as asked; the message names the file and what to do."""
