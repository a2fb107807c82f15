"""The marketing service: segments, templates, consent-aware campaigns over SMTP."""
