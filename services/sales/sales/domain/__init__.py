"""The sales service's rules in plain Python: no I/O, no ORM, no framework."""
