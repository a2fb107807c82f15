"""Event schemas, one module per producing service. Importing this package registers them."""

from crm_contracts.events import (
    contacts,  # noqa: F401
    marketing,  # noqa: F401
    reporting,  # noqa: F401
    sales,  # noqa: F401
    support,  # noqa: F401
)
