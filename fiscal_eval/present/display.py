"""How amounts and rates are written for people: one place, so every table, chart and
page shows the same figure the same way.

The model keeps amounts in yuan and rates as fractions (:mod:`fiscal_eval.model`);
display shows amounts in 万元 with two decimals and thousands separators, and rates as
percentages with two decimals.

>>> wan(710000.0), wan(600651.81), wan(123456789.0), wan(None)
('71.00', '60.07', '12,345.68', None)
>>> percent(0.8461), percent(None, missing="—")
('84.61%', '—')
"""

from __future__ import annotations

from typing import overload

__all__ = ["YUAN_PER_WAN", "wan", "percent"]

#: Yuan in one 万元.
YUAN_PER_WAN = 10_000


@overload
def wan(yuan: float, missing: str | None = None) -> str: ...
@overload
def wan(yuan: float | None, missing: str) -> str: ...
@overload
def wan(yuan: float | None, missing: None = None) -> str | None: ...
def wan(yuan: float | None, missing: str | None = None) -> str | None:
    """An amount in yuan written in 万元: two decimals, thousands separated
    (710000 → ``"71.00"``); ``missing`` for None."""
    return missing if yuan is None else f"{yuan / YUAN_PER_WAN:,.2f}"


@overload
def percent(rate: float, missing: str | None = None) -> str: ...
@overload
def percent(rate: float | None, missing: str) -> str: ...
@overload
def percent(rate: float | None, missing: None = None) -> str | None: ...
def percent(rate: float | None, missing: str | None = None) -> str | None:
    """A fraction written as a percentage with two decimals (0.8461 → ``"84.61%"``);
    ``missing`` for None."""
    return missing if rate is None else f"{rate:.2%}"
