"""Packaged data files are read one way, and a bad one is named in the error."""

from __future__ import annotations

from pathlib import Path

import pytest

from dateline.datafiles import read_data_json
from dateline.errors import ConfigurationError


def test_the_packaged_file_is_read_and_named() -> None:
    data, where = read_data_json("boilerplate.json", what="boilerplate rules")
    assert isinstance(data, dict) and data
    assert where == "dateline/data/boilerplate.json"


def test_text_and_paths_override_the_packaged_file(tmp_path: Path) -> None:
    assert read_data_json("x.json", what="x", text='{"a": 1}')[0] == {"a": 1}
    path = tmp_path / "rules.json"
    path.write_text('{"b": 2}', encoding="utf-8")
    assert read_data_json("x.json", what="x", path=path) == ({"b": 2}, str(path))


def test_missing_or_malformed_files_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"cannot read trigger lexicon .*nope\.json"):
        read_data_json("x.json", what="trigger lexicon", path=tmp_path / "nope.json")
    with pytest.raises(ConfigurationError, match=r"cannot read cues dateline/data/x\.json"):
        read_data_json("x.json", what="cues", text="{not json")
