"""scikit-learn's TF-IDF as the timeline stage uses it, in a module of its own: importing
scikit-learn takes 1.3 s and 150 MB (it pulls in pandas and scipy.stats), and only a timeline
view needs it, not ``dateline add``, ``status`` or the store's worker processes."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


def given_terms(terms: list[str]) -> list[str]:
    return terms


class GivenTermsTfidf(TfidfVectorizer):
    """scikit-learn's TF-IDF of documents given as their terms, counted with numpy.

    scikit-learn counts terms, sorts the vocabulary and prunes it by document frequency in Python
    loops over every term (60-90 ms of a 4,000-sentence view in the web app); with the defaults
    used here (``min_df=1``, ``max_df=1.0``, no ``max_features``) pruning keeps every term. The
    matrix is the same to the bit, in the same stored order (tested against
    ``TfidfVectorizer``): within a row, terms in the order the whole input first names them;
    columns by term."""

    def _count_vocab(self, raw_documents: Any, fixed_vocab: bool) -> Any:
        if fixed_vocab or self.analyzer is not given_terms:
            return super()._count_vocab(raw_documents, fixed_vocab)
        docs = list(raw_documents)
        flat = [term for doc in docs for term in doc]
        if not flat:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        # Terms numbered in the order they first appear (scikit-learn's numbering before sorting).
        vocabulary = {term: i for i, term in enumerate(dict.fromkeys(flat))}
        codes = np.fromiter(map(vocabulary.__getitem__, flat), dtype=np.int64, count=len(flat))
        lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
        rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        keys, counts = np.unique(rows * len(vocabulary) + codes, return_counts=True)
        indptr = np.zeros(len(docs) + 1, dtype=np.int32)
        np.cumsum(np.bincount(keys // len(vocabulary), minlength=len(docs)), out=indptr[1:])
        X = sp.csr_array(
            (counts.astype(np.intc), (keys % len(vocabulary)).astype(np.int32), indptr),
            shape=(len(docs), len(vocabulary)),
            dtype=self.dtype,
        )
        return vocabulary, X

    def _sort_features(self, X: Any, vocabulary: dict[str, Any]) -> Any:
        terms = sorted(vocabulary)
        old = np.fromiter(map(vocabulary.__getitem__, terms), dtype=X.indices.dtype)
        rank = np.empty(len(terms), dtype=X.indices.dtype)
        rank[old] = np.arange(len(terms), dtype=X.indices.dtype)
        vocabulary.update(zip(terms, range(len(terms)), strict=True))
        X.indices = rank.take(X.indices, mode="clip")
        return X

    def _limit_features(self, X: Any, vocabulary: Any, *args: Any, **kwargs: Any) -> Any:
        if (self.min_df, self.max_df, self.max_features) != (1, 1.0, None):
            return super()._limit_features(X, vocabulary, *args, **kwargs)
        return X
