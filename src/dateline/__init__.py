"""dateline: turn a pile of news articles about one story into a dated, sourced timeline."""

from __future__ import annotations

__version__ = "0.1.0"
