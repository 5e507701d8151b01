"""Disjoint sets, shared by near-duplicate grouping and entity clustering."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any, Generic, TypeVar

T = TypeVar("T", bound=Any)


class UnionFind(Generic[T]):
    """Union-find with path compression and an order-independent root (the smallest member).

    Choosing the smallest member as the root, rather than whichever was added first, makes the
    resulting groups independent of the order in which items and links arrive.
    """

    def __init__(self, items: Iterable[T] = ()) -> None:
        self.parent: dict[T, T] = {item: item for item in items}

    def add(self, item: T) -> None:
        self.parent.setdefault(item, item)

    def find(self, item: T) -> T:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: T, b: T) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = sorted((ra, rb))
            self.parent[high] = low

    def groups(self) -> list[list[T]]:
        """Every set, members sorted, sets in order of their smallest member."""
        found: dict[T, list[T]] = {}
        for item in self.parent:
            found.setdefault(self.find(item), []).append(item)
        return sorted((sorted(members) for members in found.values()), key=lambda g: g[0])


class IndexUnionFind:
    """Union-find over the integers ``0 .. n-1`` in a flat array: the same sets as
    :class:`UnionFind` at 8 bytes an element instead of a dict entry (entity resolution keeps
    one element per name mention of a whole store)."""

    def __init__(self, n: int) -> None:
        self.parent = array("q", range(n))

    def find(self, item: int) -> int:
        parent = self.parent
        root = item
        while parent[root] != root:
            root = parent[root]
        while parent[item] != root:
            parent[item], item = root, parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller element is the root, as in UnionFind: independent of link order.
            self.parent[max(ra, rb)] = min(ra, rb)
