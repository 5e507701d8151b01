"""Near-duplicate groups on the real seeds, order independence, and parameter checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.dedup import NearDuplicateIndex, group_id, jaccard, word_shingles
from dateline.errors import ConfigurationError

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"
_HEADER = re.compile(r"^\s*date \d{4}-\d{2}-\d{2}\s*")


def _seed_texts() -> dict[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    return {p.name[:3]: _HEADER.sub("", p.read_text("utf-8")) for p in sorted(SEEDS.glob("*.txt"))}


def _groups(items: list[tuple[str, str]]) -> set[tuple[str, ...]]:
    index = NearDuplicateIndex()
    for article_id, text in items:
        index.add(article_id, text)
    return {g.article_ids for g in index.groups()}


def test_rewrites_of_one_release_group_and_unrelated_seeds_do_not() -> None:
    texts = _seed_texts()
    assert _groups(list(texts.items())) == {("000", "001")}


def test_rewrites_are_not_copies() -> None:
    """The seeds pair is found by the rewrite signal, not because the texts are near-identical."""
    texts = _seed_texts()
    similarity = jaccard(word_shingles(texts["000"], 3), word_shingles(texts["001"], 3))
    assert 0.1 < similarity < 0.5


def test_syndicated_copy_groups_even_when_its_shingles_are_common() -> None:
    """A story copied into most of a corpus is still one group (the copy signal keeps all shingles)."""
    story = " ".join(f"word{i} sentence about the harbour closure number {i}." for i in range(60))
    others = [
        (f"other-{n}", " ".join(f"topic{n} unrelated token{n}x{i} text" for i in range(80)))
        for n in range(3)
    ]
    copies = [(f"copy-{n}", story + f" Reported by outlet {n}.") for n in range(12)]
    groups = _groups(copies + others)
    assert groups == {tuple(sorted(cid for cid, _ in copies))}


def test_boilerplate_shared_by_many_pages_does_not_chain_them() -> None:
    banner = (
        "Breaking headline ticker about the weather and sports scores from the network site. " * 3
    )
    pages = [
        (f"page-{n:02d}", banner + " ".join(f"story{n} distinct{n}w{i}" for i in range(40)))
        for n in range(30)
    ]
    assert _groups(pages) == set()


def test_group_ids_are_stable() -> None:
    assert group_id(["b", "a"]) == group_id(["a", "b"])
    assert group_id(["a", "b"]).startswith("dup-")


@settings(max_examples=25, deadline=None)
@given(st.permutations(["000", "001", "002", "003", "004"]))
def test_grouping_ignores_input_order(order: list[str]) -> None:
    texts = _seed_texts()
    index = NearDuplicateIndex()
    for article_id in order:
        index.add(article_id, texts[article_id])
    reference = NearDuplicateIndex()
    for article_id in sorted(texts):
        reference.add(article_id, texts[article_id])
    assert index.groups() == reference.groups()


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.text(alphabet="abc ", min_size=0, max_size=60), min_size=1, max_size=8).flatmap(
        lambda texts: st.permutations(list(enumerate(texts)))
    )
)
def test_grouping_ignores_order_on_arbitrary_texts(items: list[tuple[int, str]]) -> None:
    shuffled = [(f"a{i}", t) for i, t in items]
    ordered = sorted(shuffled)
    assert _groups(shuffled) == _groups(ordered)


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"threshold": 0.0}, "try 0.1"),
        ({"threshold": 1.5}, "try 0.1"),
        ({"num_perm": 4}, ">= 16"),
        ({"shingle_size": 0}, "try 3"),
        ({"copy_threshold": -1}, "try 0.5"),
        ({"common_min_articles": 1}, "try 10"),
        ({"common_fraction": 0}, "try 0.05"),
    ],
)
def test_bad_parameters_fail_fast_with_a_fix(kwargs: dict[str, float], hint: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(hint)):
        NearDuplicateIndex(**kwargs)  # type: ignore[arg-type]


def test_duplicate_article_id_is_rejected() -> None:
    index = NearDuplicateIndex()
    index.add("x", "some text here")
    with pytest.raises(ConfigurationError, match="added twice"):
        index.add("x", "other text")


def test_a_t17_topic_is_not_lumped_together(t17_dir: Path) -> None:
    """Real same-story news (Timeline17 "egypt", 216 articles): a few small groups, no blob.

    Measured: 23 groups covering 54 articles, the largest of 5.
    """
    import gzip
    import json

    path = t17_dir / "egypt" / "articles.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    index = NearDuplicateIndex()
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            index.add(str(record["id"]), record["text"])
    groups = index.groups()
    grouped = sum(len(g.article_ids) for g in groups)
    assert 0 < grouped < 0.5 * len(index)
    assert max(len(g.article_ids) for g in groups) <= 0.05 * len(index)


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.1, 256), (0.5, 256), (0.5, 128), (0.3, 64)])
def test_lsh_bands_agree_with_datasketch(threshold: float, num_perm: int) -> None:
    """Our numpy integration picks the same (bands, rows) as datasketch's scipy one."""
    from datasketch.lsh import _optimal_param

    from dateline.dedup import lsh_bands

    assert lsh_bands(threshold, num_perm) == _optimal_param(threshold, num_perm, 0.3, 0.7)
