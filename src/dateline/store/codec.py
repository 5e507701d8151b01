"""How analysed records are kept in the store: zlib-compressed pickles, read back safely.

Pickle because it is the fastest codec for these records (measured on 4,203 T17 articles with the
default pickling: pickle+zlib wrote in 1.0 ms and read in 1.5 ms an article, JSON via
``export.to_jsonable`` 1.7 ms and 5.3 ms; both about 4.2 kB an article compressed). A store file may come from someone
else, so records are read with an unpickler that only builds dateline's own record classes:
a crafted file raises :class:`~dateline.errors.StoreError` instead of running code.
"""

from __future__ import annotations

import io
import operator
import pickle
import zlib
from collections.abc import Callable
from typing import Any

from dateline import records
from dateline.errors import StoreError

#: The only globals a stored record may name: dateline's record classes.
_ALLOWED = {
    ("dateline.records", name)
    for name, value in vars(records).items()
    if isinstance(value, type) and value.__module__ == "dateline.records"
}


class _RecordUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not a dateline record")
        return super().find_class(module, name)


def _field_getter(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    names: tuple[str, ...] = cls.__slots__  # type: ignore[attr-defined]
    if len(names) == 1:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    return operator.attrgetter(*names)


#: How each record class is taken apart: its field values in ``__slots__`` order, as a tuple.
_FIELDS = {
    value: _field_getter(value)
    for value in vars(records).values()
    if isinstance(value, type)
    and value.__module__ == "dateline.records"
    and hasattr(value, "__dataclass_fields__")
}


class _RecordPickler(pickle.Pickler):
    """Records go in as ``(class, field values)``: rebuilding them through their ``__init__``
    reads 3.7x faster than the default path for slotted dataclasses (``__setstate__`` walks
    ``dataclasses.fields`` for every object; measured on 1,500 T17 articles, 0.58 s vs 0.16 s).
    The field values are read by one ``attrgetter`` per class (a store compares the pickles of
    every entity and event after an add)."""

    def reducer_override(self, obj: Any) -> Any:
        getter = _FIELDS.get(type(obj))
        if getter is None:
            return NotImplemented
        return (type(obj), getter(obj))


def _pickled(record: object, *, canonical: bool) -> bytes:
    buffer = io.BytesIO()
    pickler = _RecordPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = canonical  # no memo: records are trees, no shared or recursive references
    pickler.dump(record)
    return buffer.getvalue()


def pickle_record(record: object) -> bytes:
    """The record's canonical pickle before compression: a writer compares its digest with the
    stored one to skip compressing what did not change (zlib is most of the cost of encoding an
    entity or an event).

    Canonical: equal records give equal bytes. The pickler's memo is off, since it writes a
    string seen before as a back-reference only when it is the *same object*, and whether two
    equal names are one object depends on how a run built them: with the memo, 3,199 of 8,768
    entities and 2,202 of 7,019 events that had not changed were written again after adding 100
    T17 articles to a 4,100-article store. Analyses keep the memo (:func:`encode_record`): they
    are never compared, and without it they decode 1.5x slower (every object names its class
    again)."""
    return _pickled(record, canonical=True)


def pack_record(pickled: bytes) -> bytes:
    return zlib.compress(pickled, 3)


def encode_record(record: object) -> bytes:
    return pack_record(_pickled(record, canonical=False))


def decode_record(blob: bytes, where: str) -> Any:
    """The record stored in ``blob``; ``where`` names it in the error if it cannot be read."""
    try:
        return _RecordUnpickler(io.BytesIO(zlib.decompress(blob))).load()
    except (zlib.error, pickle.UnpicklingError, EOFError, AttributeError, TypeError) as exc:
        raise StoreError(f"{where}: stored record cannot be read ({exc})") from exc
