"""The demo data set, built in memory from a seed: the same seed gives the same companies,
people and emails, which is what lets `crm demo` run twice without doubling anything.

Companies and people come from Faker in their country's locale; domains end in the
reserved `.example` top-level domain (RFC 2606), so that no demo email can ever reach a
real mailbox, even from a platform wired to a real SMTP server. A few contacts are planted
near-duplicates of others (a typo in the name, or another email at the same company) for
the duplicates panel to find.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from faker import Faker

from crm_cli.demo.phones import phone_number
from crm_cli.demo.vocabulary import (
    ARR_RANGES,
    CONSENT_WEIGHTS,
    COUNTRIES,
    INDUSTRIES,
    SIZE_HEADCOUNT,
    SIZE_WEIGHTS,
    SOURCES,
    STAGE_WEIGHTS,
    TAGS,
    TIER_WEIGHTS,
    TITLES,
    Country,
)

MAX_ACCOUNTS = 30
DOMAIN_SUFFIX = ".example"
# Words that say how a company is registered (or whose it is), left out of its domain;
# at least those the contacts service ignores when it matches an imported company name.
LEGAL_FORMS = frozenset({
    "inc", "incorporated", "ltd", "limited", "llc", "llp", "corp", "corporation", "co",
    "company", "sa", "sas", "sasu", "sarl", "eurl", "snc", "gmbh", "ag", "kg", "bv", "nv",
    "plc", "pty", "srl", "group", "groupe", "and", "et", "fils", "sons",
})
EMAIL_PATTERNS = ("{first}.{last}", "{f}{last}", "{first}.{last}", "{f}.{last}")


@dataclass(frozen=True)
class DemoAccount:
    name: str
    domain: str
    industry: str
    tier: str
    size: str
    country: str
    city: str
    phone: str
    arr: int
    email_pattern: str

    def payload(self) -> dict[str, Any]:
        """The body of POST /api/v1/accounts."""
        return {"name": self.name, "domain": self.domain, "industry": self.industry,
                "tier": self.tier, "size": self.size, "country": self.country,
                "city": self.city, "phone": self.phone, "website": f"https://www.{self.domain}",
                "custom_fields": {"arr": self.arr}}


@dataclass(frozen=True)
class DemoContact:
    first_name: str
    last_name: str
    email: str
    account: str  # the company's name, as the import's `account` column takes it
    title: str
    lifecycle_stage: str
    source: str
    country: str
    phone: str | None = None
    tags: tuple[str, ...] = ()
    address_line: str | None = None
    city: str | None = None
    postal_code: str | None = None
    custom_fields: dict[str, Any] = field(default_factory=dict)
    consent: str | None = None  # the email consent to record: granted, denied or none
    duplicate_of: str | None = None  # for a planted near-duplicate: the original's email

    def row(self) -> dict[str, Any]:
        """The contact as a row of the import file (see `contacts_csv`)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(frozen=True)
class DemoDataset:
    accounts: tuple[DemoAccount, ...]
    contacts: tuple[DemoContact, ...]

    @property
    def near_duplicates(self) -> tuple[DemoContact, ...]:
        return tuple(contact for contact in self.contacts if contact.duplicate_of)


def account_count(contacts: int) -> int:
    """About one company for five people, from 3 to 30."""
    return min(MAX_ACCOUNTS, max(3, contacts // 5))


def near_duplicate_count(contacts: int) -> int:
    return 0 if contacts < 10 else max(2, contacts // 40)


def build_dataset(contacts: int, seed: int = 42) -> DemoDataset:
    return _Builder(seed).build(contacts)


def ascii_slug(text: str, separator: str = "-") -> str:
    """"Société Générale d'Énergie" -> "societe-generale-denergie"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"['’`.]", "", plain)  # "S.A.S." and "d'Arc" are one word
    return separator.join(re.findall(r"[a-z0-9]+", plain))


def company_domain(name: str) -> str:
    words = [word for word in ascii_slug(name).split("-") if word not in LEGAL_FORMS]
    return "-".join(words or ascii_slug(name).split("-")) + DOMAIN_SUFFIX


def with_typo(name: str, rng: random.Random) -> str:
    """The name as someone typing fast spells it: one letter doubled."""
    positions = [index for index, char in enumerate(name) if index > 0 and char.isalpha()]
    if not positions:
        return name + name[-1:]
    index = rng.choice(positions)
    return name[:index] + name[index] + name[index:]


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        for offset, country in enumerate(COUNTRIES):
            faker = Faker(country.locale)
            faker.seed_instance(seed + offset)
            self.fakers[country.locale] = faker
        self.emails: set[str] = set()
        self.phones: set[str] = set()

    def build(self, contacts: int) -> DemoDataset:
        accounts = self.accounts(account_count(contacts))
        duplicates = near_duplicate_count(contacts)
        people = [self.contact(account) for account in self.spread(accounts,
                                                                   contacts - duplicates)]
        originals = self.rng.sample(people, k=min(duplicates, len(people)))
        by_name = {account.name: account for account in accounts}
        twins = [self.near_duplicate(original, by_name[original.account], index)
                 for index, original in enumerate(originals)]
        return DemoDataset(tuple(accounts), tuple(people + twins))

    # --- companies ---------------------------------------------------------------------------

    def accounts(self, count: int) -> list[DemoAccount]:
        accounts: list[DemoAccount] = []
        domains: set[str] = set()
        while len(accounts) < count:
            country = self.country()
            name = self.fakers[country.locale].company()
            domain = company_domain(name)
            if domain in domains:  # one company per name, as the import finds them by name
                continue
            domains.add(domain)
            tier = self.weighted(TIER_WEIGHTS)
            low, high = ARR_RANGES[tier]
            accounts.append(DemoAccount(
                name=name, domain=domain, industry=self.rng.choice(INDUSTRIES), tier=tier,
                size=self.weighted(SIZE_WEIGHTS), country=country.code,
                city=self.rng.choice(country.cities), phone=self.phone(country.code, False),
                arr=self.rng.randrange(low, high, 500),
                email_pattern=self.rng.choice(EMAIL_PATTERNS)))
        return accounts

    def spread(self, accounts: Sequence[DemoAccount], people: int) -> list[DemoAccount]:
        """Whose employer each person is: every company gets someone, bigger ones more."""
        chosen = list(accounts[:people])
        weights = [SIZE_HEADCOUNT[account.size] for account in accounts]
        chosen += self.rng.choices(accounts, weights=weights, k=people - len(chosen))
        return chosen

    # --- people ------------------------------------------------------------------------------

    def contact(self, account: DemoAccount) -> DemoContact:
        home = _country(account.country)
        # Most people have the company's nationality; teams are international.
        origin = home if self.rng.random() < 0.85 else self.country()
        names = self.fakers[origin.locale]
        first, last = names.first_name(), names.last_name()
        address = self.fakers[home.locale]
        has_address = self.rng.random() < 0.5
        custom: dict[str, Any] = {"preferred_language": origin.language
                                  if self.rng.random() < 0.9 else _other_language(origin)}
        if self.rng.random() < 0.6:
            handle = f"{ascii_slug(f'{first} {last}')}-{self.rng.randrange(16**5):05x}"
            custom["linkedin"] = f"https://www.linkedin.com/in/{handle}"
        return DemoContact(
            first_name=first, last_name=last, email=self.email(first, last, account),
            account=account.name, title=self.rng.choice(TITLES[origin.language]),
            lifecycle_stage=self.weighted(STAGE_WEIGHTS), source=self.rng.choice(SOURCES),
            country=home.code,
            phone=self.phone(home.code, self.rng.random() < 0.7)
            if self.rng.random() < 0.8 else None,
            tags=tuple(self.rng.sample(TAGS, k=self.rng.choice((0, 0, 1, 1, 2, 3)))),
            address_line=address.street_address() if has_address else None,
            city=self.rng.choice(home.cities) if has_address else None,
            postal_code=address.postcode() if has_address else None,
            custom_fields=custom, consent=self.weighted(CONSENT_WEIGHTS))

    def near_duplicate(self, original: DemoContact, account: DemoAccount,
                       index: int) -> DemoContact:
        """The same person entered again: with a typo in the last name, or with another
        address at the same company; no phone, so that the import does not recognise it
        and dedup has to."""
        if index % 2 == 0:
            last = with_typo(original.last_name, self.rng)
            pattern = "{first}{last}" if account.email_pattern != "{first}{last}" \
                else "{first}_{last}"
            email = self.email(original.first_name, original.last_name, account, pattern)
            source = "trade show"
        else:
            last = original.last_name
            email = self.email(original.first_name, last, account, "{first}")
            source = "web form"
        return replace(original, last_name=last, email=email, phone=None, source=source,
                       tags=(), consent=None, duplicate_of=original.email,
                       custom_fields={key: value for key, value in
                                      original.custom_fields.items() if key != "linkedin"})

    # --- details -----------------------------------------------------------------------------

    def email(self, first: str, last: str, account: DemoAccount,
              pattern: str | None = None) -> str:
        first_part, last_part = ascii_slug(first, ""), ascii_slug(last, "")
        local = (pattern or account.email_pattern).format(
            first=first_part, last=last_part, f=first_part[:1]).strip("._") or "contact"
        email, number = f"{local}@{account.domain}", 1
        while email in self.emails:
            number += 1
            email = f"{local}{number}@{account.domain}"
        self.emails.add(email)
        return email

    def phone(self, country: str, mobile: bool) -> str:
        while (number := phone_number(country, self.rng, mobile)) in self.phones:
            pass
        self.phones.add(number)
        return number

    def country(self) -> Country:
        return self.rng.choices(COUNTRIES, weights=[c.weight for c in COUNTRIES])[0]

    def weighted(self, weights: dict[Any, int]) -> Any:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]


def _country(code: str) -> Country:
    return next(country for country in COUNTRIES if country.code == code)


def _other_language(country: Country) -> str:
    return "en" if country.language == "fr" else "fr"
