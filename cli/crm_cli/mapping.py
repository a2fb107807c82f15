"""The `--mapping` option: a JSON object from column header to field name, given inline
or as `@file.json`."""

from __future__ import annotations

import json
from pathlib import Path

from crm_cli.problems import UsageError

Mapping = dict[str, str | None]


def parse_mapping(value: str) -> Mapping:
    """`{"Nom": "last_name", "Société": "account", "Notes": null}` or `@mapping.json`."""
    source = "--mapping"
    if value.startswith("@"):
        path = Path(value[1:]).expanduser()
        source = f"--mapping file {path}"
        try:
            value = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise UsageError(f"cannot read {source}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{source} is not UTF-8 text") from None
    try:
        mapping = json.loads(value)
    except ValueError as exc:
        raise UsageError(f"{source} is not valid JSON: {exc}") from None
    if not isinstance(mapping, dict) or not all(
            isinstance(field, str | None) for field in mapping.values()):
        raise UsageError(f'{source} must be a JSON object of column header -> field name, '
                         f'e.g. {{"Nom": "last_name", "Société": "account"}}')
    return mapping
