"""Which sentences the timeline may quote, worked out once per article when it is stored.

Testing a candidate sentence (``SentenceFilters.is_quotable``: its shape, then 22 junk patterns)
was the largest single cost of a new timeline view on a big store (about a third of it on
Timeline17). The test depends only on the sentence's text and the quoting rules, so ``add``
stores its answer for every sentence (one byte each), under a fingerprint of the rules: the junk
rules' data and the code of the test. A view passes the stored answers to the timeline stage as
``known_quotable``; answers stored under other rules (an older dateline, edited rule files) are
not used, and the stage tests those sentences itself, so the result never depends on them.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Iterator, Mapping

from dateline import timeline as timeline_stage
from dateline.records import AnalysedArticle
from dateline.timeline import SentenceFilters


def quoting_rules(filters: SentenceFilters) -> str:
    """A fingerprint of everything ``filters.is_quotable`` depends on besides the text, and of
    what the store's timeline rows keep of a quotable sentence (``dateline.store.timeline_rows``:
    its quote, the quote's TF-IDF terms and word count)."""
    parts = [
        filters.junk.pattern,
        str(filters.junk.flags),
        str(filters.min_words),
        str(filters.max_words),
        repr(filters.max_uppercase_share),
        timeline_stage._WORD.pattern,
        filters.wire_prefix.pattern,
        str(filters.wire_prefix.flags),
        importlib.metadata.version("scikit-learn"),
    ]
    for function in (
        SentenceFilters.is_quotable,
        SentenceFilters.quotable_text,
        timeline_stage.text_terms_analyser,
        timeline_stage.word_count,
    ):
        code = function.__code__
        parts += [code.co_code.hex(), repr(code.co_consts), repr(code.co_names)]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:32]


#: A flag byte: the sentence may be quoted, may not, or there is no sentence of that index.
QUOTABLE, NOT_QUOTABLE, UNKNOWN = 1, 0, 2


def quotable_flags(analysed: AnalysedArticle, filters: SentenceFilters) -> bytes:
    """One byte per sentence index: :data:`QUOTABLE` when the timeline may quote the sentence."""
    size = max((s.index + 1 for s in analysed.sentences), default=0)
    flags = bytearray([UNKNOWN]) * size
    for sentence in analysed.sentences:
        flags[sentence.index] = QUOTABLE if filters.is_quotable(sentence.text) else NOT_QUOTABLE
    return bytes(flags)


class KnownQuotable(Mapping[tuple[str, int], bool]):
    """Stored flags as the timeline stage reads them: ``(article id, sentence index) -> bool``.

    Filled article by article as a view streams the articles (``add``), read by the stage after.
    """

    def __init__(self) -> None:
        self._flags: dict[str, bytes] = {}

    def add(self, article_id: str, flags: bytes) -> None:
        self._flags[article_id] = flags

    def __getitem__(self, key: tuple[str, int]) -> bool:
        article_id, index = key
        flags = self._flags[article_id]
        if not 0 <= index < len(flags) or flags[index] == UNKNOWN:
            raise KeyError(key)
        return flags[index] == QUOTABLE

    def __iter__(self) -> Iterator[tuple[str, int]]:
        for article_id, flags in self._flags.items():
            for index, flag in enumerate(flags):
                if flag != UNKNOWN:
                    yield article_id, index

    def __len__(self) -> int:
        return sum(len(flags) - flags.count(UNKNOWN) for flags in self._flags.values())
