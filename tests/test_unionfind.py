"""Disjoint sets: groups do not depend on the order in which links arrive."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dateline.unionfind import IndexUnionFind, UnionFind

links = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=40)


@given(links, st.randoms())
def test_groups_ignore_the_order_of_links(pairs: list[tuple[int, int]], rnd) -> None:  # type: ignore[no-untyped-def]
    items = sorted({x for pair in pairs for x in pair})
    forward = UnionFind(items)
    for a, b in pairs:
        forward.union(a, b)
    shuffled_pairs = list(pairs)
    rnd.shuffle(shuffled_pairs)
    shuffled_items = list(items)
    rnd.shuffle(shuffled_items)
    backward = UnionFind(shuffled_items)
    for a, b in shuffled_pairs:
        backward.union(b, a)
    assert forward.groups() == backward.groups()
    assert {forward.find(x) for x in items} == {g[0] for g in forward.groups()}


def test_linked_items_share_a_root_and_others_do_not() -> None:
    sets = UnionFind(["a", "b", "c", "d"])
    sets.union("b", "c")
    sets.add("e")
    assert sets.find("c") == sets.find("b") == "b"
    assert sets.groups() == [["a"], ["b", "c"], ["d"], ["e"]]


@given(links)
def test_the_index_union_find_makes_the_same_sets(pairs: list[tuple[int, int]]) -> None:
    """Entity resolution's flat-array union-find: the sets and roots of :class:`UnionFind`."""
    by_dict = UnionFind(range(21))
    by_index = IndexUnionFind(21)
    for a, b in pairs:
        by_dict.union(a, b)
        by_index.union(a, b)
    assert [by_index.find(x) for x in range(21)] == [by_dict.find(x) for x in range(21)]
