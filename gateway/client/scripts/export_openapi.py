"""Write the gateway's OpenAPI document to openapi.json, for the client's generated types.

The app is built in-process with an RPC client that is never called: only the routes and
their schemas are read, so no broker or service needs to run.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path


class _NoRpc:
    def __getattr__(self, name: str):
        raise RuntimeError("exporting the OpenAPI document makes no RPC call")


def main(target: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        # The app opens its own SQLite file: keep it out of the working tree.
        os.environ["CRM_DATA_DIR"] = scratch
        os.environ.pop("CRM_GATEWAY_DATABASE_URL", None)
        from gateway.app import create_app

        app = create_app(rpc_client=_NoRpc())
        document = app.test_client().get("/api/v1/openapi.json")
    _write(document, target)


def _write(response, target: Path) -> None:
    if response.status_code != 200:
        raise SystemExit(f"the gateway answered {response.status_code} for its OpenAPI document")
    target.write_text(json.dumps(response.get_json(), indent=1, sort_keys=True) + "\n",
                      encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "openapi.json"))
