"""Support rules in plain Python: no ORM, nameko or eventlet here."""
