"""Money: exact fen in frames, Decimal yuan in results, rounded once by a named rule.

Cleaned frames hold amounts as integer fen (`paid_amount_fen`), which sums exactly and
fast. Anything paid out (commission, awards, bonuses) is computed in `Decimal` yuan and
rounded once, at the end, to the fen with the rounding mode the rules name.
"""

from __future__ import annotations

from decimal import Decimal

from csops.rules.base import ROUNDING_MODES

FEN = Decimal("0.01")


def fen_to_yuan(fen: int) -> Decimal:
    """12850 → Decimal('128.50'), exactly."""
    return Decimal(int(fen)).scaleb(-2)


def round_fen(amount: Decimal, rounding: str = "half_up") -> Decimal:
    """Round a yuan amount to the fen with the named mode (half_up, half_even, down)."""
    return amount.quantize(FEN, rounding=ROUNDING_MODES[rounding])


def money_str(amount: Decimal) -> str:
    """The JSON form of money: a string with exactly two decimals."""
    return f"{amount.quantize(FEN):.2f}"
