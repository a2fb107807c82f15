"""The CRM's shared words: values that several services and the gateway must agree on."""

LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketing_qualified_lead",
    "sales_qualified_lead",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)

ACCOUNT_TIERS = ("standard", "gold", "vip")

ACCOUNT_SIZES = ("1-10", "11-50", "51-200", "201-1000", "1001-5000", "5000+")

CONSENT_CHANNELS = ("email", "phone", "sms", "post")
CONSENT_STATUSES = ("granted", "denied", "withdrawn", "unknown")

CUSTOM_FIELD_TYPES = ("text", "number", "date", "enum", "boolean")
CUSTOM_FIELD_OBJECTS = ("contact", "account")
