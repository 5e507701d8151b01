"""Shared fixtures: where the real inputs live (read at test time, never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _existing(path: Path, what: str) -> Path:
    if not path.is_dir():
        pytest.skip(f"{what} not found at {path}")
    return path


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` next to the repository (seeds and benchmarks)."""
    return _existing(SHARED, "../shared")


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    """The five real seed articles."""
    return _existing(shared_dir / "seeds", "the seed articles")


@pytest.fixture(scope="session")
def t17_dir(shared_dir: Path) -> Path:
    """Timeline17: ``<topic>/articles.jsonl.gz`` per topic."""
    return _existing(shared_dir / "benchmarks" / "t17", "the Timeline17 benchmark")


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The example corpus written for dateline (``examples/corpus``)."""
    return _existing(ROOT / "examples" / "corpus", "examples/corpus")
