"""The words a B2B sales team's CRM is full of, for the demo data set to draw from."""

from __future__ import annotations

from dataclasses import dataclass

from crm_contracts.vocabulary import ACCOUNT_SIZES, ACCOUNT_TIERS, LIFECYCLE_STAGES


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166 alpha-2
    locale: str  # Faker's
    language: str  # the `preferred_language` custom field's option
    weight: int
    cities: tuple[str, ...]


COUNTRIES = (
    Country("FR", "fr_FR", "fr", 40, ("Paris", "Lyon", "Marseille", "Toulouse", "Nantes",
                                      "Lille", "Bordeaux", "Strasbourg", "Rennes", "Grenoble")),
    Country("GB", "en_GB", "en", 25, ("London", "Manchester", "Bristol", "Leeds", "Edinburgh",
                                      "Birmingham", "Glasgow", "Cambridge")),
    Country("US", "en_US", "en", 20, ("New York", "Boston", "Chicago", "Austin",
                                      "San Francisco", "Seattle", "Atlanta", "Denver")),
    Country("IE", "en_IE", "en", 8, ("Dublin", "Cork", "Galway", "Limerick")),
    Country("CA", "fr_CA", "fr", 7, ("Montréal", "Québec", "Laval", "Sherbrooke")),
)

INDUSTRIES = ("Software", "Manufacturing", "Retail", "Financial services", "Healthcare",
              "Logistics", "Energy", "Telecommunications", "Consulting", "Education",
              "Construction", "Media", "Food and beverage", "Automotive")

TIER_WEIGHTS = dict(zip(ACCOUNT_TIERS, (70, 22, 8), strict=True))
SIZE_WEIGHTS = dict(zip(ACCOUNT_SIZES, (15, 25, 25, 18, 10, 7), strict=True))
# Bigger companies have more people in the CRM.
SIZE_HEADCOUNT = dict(zip(ACCOUNT_SIZES, (1, 2, 3, 4, 5, 6), strict=True))
# Annual recurring revenue in EUR, by tier: the `arr` custom field.
ARR_RANGES = {"standard": (6_000, 60_000), "gold": (60_000, 400_000),
              "vip": (400_000, 2_500_000)}

STAGE_WEIGHTS = dict(zip(LIFECYCLE_STAGES, (14, 30, 15, 10, 10, 15, 4, 2), strict=True))

TITLES = {
    "fr": ("Directeur commercial", "Directrice marketing", "Responsable achats",
           "Directeur des systèmes d'information", "Chef de projet", "Acheteuse",
           "Directrice administrative et financière", "Responsable grands comptes",
           "Président-directeur général", "Ingénieure d'affaires", "Office manager",
           "Responsable du support client", "Contrôleur de gestion", "DRH"),
    "en": ("Head of Sales", "Marketing Director", "Procurement Manager", "CTO", "CFO",
           "VP Engineering", "Account Executive", "Operations Manager", "IT Manager",
           "Chief Executive Officer", "Customer Success Manager", "Purchasing Lead",
           "Product Manager", "Office Manager"),
}

SOURCES = ("web form", "trade show", "referral", "linkedin", "webinar", "partner",
           "cold outreach", "newsletter signup")

TAGS = ("newsletter", "webinar", "trade-show", "decision-maker", "technical", "budget-holder",
        "partner", "churn-risk", "beta-tester", "champion", "event-2025", "renewal")

CONSENT_WEIGHTS = {"granted": 70, "denied": 15, None: 15}

# Custom field definitions the demo makes (POST /api/v1/custom-fields).
CUSTOM_FIELDS = (
    {"object": "contact", "key": "linkedin", "label": "LinkedIn profile", "type": "text"},
    {"object": "contact", "key": "preferred_language", "label": "Preferred language",
     "type": "enum", "options": ["fr", "en"]},
    {"object": "account", "key": "arr", "label": "Annual recurring revenue (EUR)",
     "type": "number"},
)
CONTACT_CUSTOM_KEYS = tuple(field["key"] for field in CUSTOM_FIELDS
                            if field["object"] == "contact")
