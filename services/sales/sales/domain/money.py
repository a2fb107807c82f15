"""Money: ISO 4217 currencies, their minor units, and rounding half-up to them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Active ISO 4217 codes and their minor unit (decimal places); most currencies have 2.
_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
_FOUR = "CLF UYW"
_TWO = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN "
    "BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR "
    "FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW "
    "KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN "
    "NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD "
    "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS "
    "VED VES WST XCD XCG YER ZAR ZMW ZWG"
)

MINOR_UNITS: dict[str, int] = {
    **{code: 2 for code in _TWO.split()},
    **{code: 0 for code in _ZERO.split()},
    **{code: 3 for code in _THREE.split()},
    **{code: 4 for code in _FOUR.split()},
}
CURRENCIES = frozenset(MINOR_UNITS)


class UnknownCurrency(ValueError):
    pass


def minor_unit(currency: str) -> int:
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise UnknownCurrency(f"{currency!r} is not an ISO 4217 currency code") from None


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Half-up to the currency's minor unit: 2.675 EUR is 2.68, 1.5 JPY is 2."""
    exponent = Decimal(1).scaleb(-minor_unit(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def to_decimal(value: object) -> Decimal:
    """A finite Decimal from a string or Decimal (never from a float: 0.1 is not 0.1)."""
    if isinstance(value, float):
        raise ValueError("money is a decimal string, not a float")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return amount


def money_str(amount: Decimal | None, currency: str) -> str | None:
    """The wire form: a plain decimal string with exactly the currency's minor digits."""
    if amount is None:
        return None
    return format(round_money(Decimal(amount), currency), "f")


def price_str(amount: Decimal, currency: str) -> str:
    """A unit price: at least the currency's minor digits, more only when it has them
    (a unit price may be finer than the currency, e.g. 0.1250 EUR per unit)."""
    amount = Decimal(amount)
    places = max(minor_unit(currency), -amount.normalize().as_tuple().exponent)
    return format(amount.quantize(Decimal(1).scaleb(-places)), "f")
