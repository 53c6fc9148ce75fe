"""``@record``: a frozen dataclass whose ``__init__`` is cheap.

A frozen dataclass sets each field in ``__init__`` through ``object.__setattr__`` (its own
``__setattr__`` refuses): about 0.25 µs a field, and a report makes some 150 records
(cells, headings, sections, evidence, fund lines …) with 700 fields between them, a
tenth of the time a short report takes to parse. ``@record`` is ``@dataclass(frozen=True)``
with an ``__init__`` of the same signature that writes the fields into the instance's
``__dict__`` directly (2.5x faster): the instances are the same (equality, hash, repr,
``replace``, ``fields``, pickling), and assigning a field afterwards still raises
``FrozenInstanceError``.

Only plain classes qualify: no ``__post_init__``, no ``InitVar``, every field in
``__init__``, no ``kw_only``, no ``slots``; anything else raises ``TypeError`` when the
class is defined (use ``@dataclass(frozen=True)`` there).

>>> @record
... class Point:
...     x: int
...     y: int = 0
>>> p = Point(1)
>>> p, p == Point(x=1, y=0), hash(p) == hash(Point(1, 0))
(Point(x=1, y=0), True, True)
>>> p.x = 2
Traceback (most recent call last):
dataclasses.FrozenInstanceError: cannot assign to field 'x'
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

__all__ = ["record"]

T = TypeVar("T", bound=type)


class _NoValue:
    """The default of a field with a default factory: "not given", made by the factory."""

    def __repr__(self) -> str:
        return "<factory>"


_NO_VALUE = _NoValue()


def record(cls: T) -> T:
    """``@dataclass(frozen=True)`` with a faster ``__init__`` (see the module docstring)."""
    cls = dataclasses.dataclass(frozen=True)(cls)
    if hasattr(cls, "__post_init__") or hasattr(cls, "__slots__"):
        raise TypeError(f"@record {cls.__name__}: no __post_init__ or __slots__ (use @dataclass(frozen=True))")
    every = getattr(cls, dataclasses._FIELDS).values()  # NOTE: InitVars are among these, fields() hides them
    if any(f._field_type is not dataclasses._FIELD or not f.init or f.kw_only is True for f in every):
        raise TypeError(f"@record {cls.__name__}: plain fields only (use @dataclass(frozen=True))")
    names = [f.name for f in dataclasses.fields(cls)]
    env: dict[str, object] = {"_NO_VALUE": _NO_VALUE}
    params, lines = [], []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            env[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_NO_VALUE")
            lines.append(f"    if {f.name} is _NO_VALUE: {f.name} = _factory_{f.name}()")
        else:
            params.append(f.name)
    lines.append("    d = self.__dict__")
    lines += [f"    d[{name!r}] = {name}" for name in names]
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(lines) + "\n"
    exec(source, env)  # NOTE: the source is built from the class's field names alone
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init
    return cls
