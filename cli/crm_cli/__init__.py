"""The `crm` command: demo data, contact imports with a progress bar, dead-letter replay."""

__version__ = "0.1.0"
