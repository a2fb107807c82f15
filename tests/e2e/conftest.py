"""The browser fixtures, for every test module of this folder (see browser_kit)."""

from browser_kit import chromium, page_for  # noqa: F401 - registered here as fixtures
