"""The marketing service's rules, in plain Python: no ORM, nameko or Flask here."""
