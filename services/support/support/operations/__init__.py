"""Use cases on the unit of work: what each entrypoint does with the database."""
