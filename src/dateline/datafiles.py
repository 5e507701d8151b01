"""The rule and table files shipped in ``dateline/data/``, read one way everywhere.

Each stage keeps its own checks of what a file must contain; this module only finds the file
(the packaged one, a path a user gives, or text passed in), reads it and parses it, and turns a
missing or malformed file into a :class:`ConfigurationError` that names it.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from dateline.errors import ConfigurationError


def read_data_json(
    name: str, *, what: str, path: str | Path | None = None, text: str | None = None
) -> tuple[Any, str]:
    """Parse ``text``, or the file at ``path``, or the packaged ``dateline/data/<name>``.

    Returns the data and where it came from (for the caller's own error messages).
    """
    where = str(path) if path is not None else f"dateline/data/{name}"
    try:
        if text is None:
            if path is None:
                text = resources.files("dateline").joinpath("data", name).read_text("utf-8")
            else:
                text = Path(path).read_text(encoding="utf-8")
        return json.loads(text), where
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError(f"cannot read {what} {where}: {exc}") from exc
