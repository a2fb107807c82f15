"""Column types of the sales tables that the migrations name too (keep them stable)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, String, TypeDecorator


class ExactDecimal(TypeDecorator):
    """Money and quantities, exact on every database.

    PostgreSQL has NUMERIC. SQLite has no decimal type: SQLAlchemy would hand it floats,
    and a NUMERIC column would turn even a decimal string into a float. There the value
    is kept as its decimal text instead; nothing sums or sorts money in SQL on SQLite.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 20, scale: int = 4):
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision, self.scale = precision, scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        return format(value, "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)
