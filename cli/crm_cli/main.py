"""`crm`, the command line of the CRM platform.

    crm demo [--contacts N] [--seed S]           load a realistic demo data set
    crm import contacts FILE [--mapping JSON]    import a CSV or vCard file of contacts
    crm dlq list | show QUEUE | replay QUEUE     inspect and replay dead-letter queues
    crm mailbox                                  the local SMTP server keeping sent mails
    crm reporting rebuild                        rebuild the reports from every event log
    crm marketing rebuild                        rebuild marketing's view of the contacts

demo and import talk to the gateway's REST API only (see `crm import contacts --help` for
the connection options). Exit codes: 0 done (an import with some rejected rows is done);
1 the import failed; 2 the command could not run: bad arguments, a missing file, the CRM
unreachable, the sign-in or the request refused.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from crm_cli.client import CrmClient
from crm_cli.connection import add_connection_arguments, connection_from
from crm_cli.demo.dataset import build_dataset
from crm_cli.demo.loader import load_demo, report_lines
from crm_cli.imports import ImportOptions, import_contacts, job_report, report_url
from crm_cli.mailbox import serve
from crm_cli.mapping import parse_mapping
from crm_cli.marketing import rebuild as rebuild_marketing
from crm_cli.problems import CommandError, UsageError
from crm_cli.progress import progress_bar
from crm_cli.reporting import rebuild as rebuild_reports
from crm_cli.reporting import report_lines as rebuild_lines

EXIT_DONE, EXIT_FAILED, EXIT_UNUSABLE, EXIT_INTERRUPTED = 0, 1, 2, 130
MAX_DEMO_CONTACTS = 100_000


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["dlq"]:  # its own parser, with its own options and help
        return run_dlq(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except CommandError as error:
        lines = error.lines()
        print(f"crm: {lines[0]}", *lines[1:], sep="\n", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("crm: interrupted (an import already uploaded goes on in the CRM)",
              file=sys.stderr)
        return EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crm", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="load a realistic demo data set through the API",
                               description="Load companies, contacts, custom fields, "
                               "consents, a few near-duplicates, deals, quotes, orders, "
                               "activities, knowledge base articles and tickets through "
                               "the REST API. "
                               "Running it again with the same seed adds nothing twice.")
    demo.add_argument("--contacts", type=_count, default=200, metavar="N",
                      help="how many contacts (default 200)")
    demo.add_argument("--seed", type=int, default=42,
                      help="the same seed makes the same data (default 42)")
    add_connection_arguments(demo)
    demo.set_defaults(run=run_demo)

    imports = commands.add_parser("import", help="import records from a file")
    kinds = imports.add_subparsers(dest="kind", required=True, metavar="KIND")
    contacts = kinds.add_parser(
        "contacts", help="import contacts from a CSV or vCard (.vcf) file",
        description="Upload a CSV or vCard file to POST /api/v1/contacts/import and follow "
                    "the job. CSV columns are recognised by name (first_name, last_name, "
                    "email, phone, title, account, tags, ..., custom.<key>); --mapping "
                    "names the others.")
    contacts.add_argument("file", type=Path, help="a .csv or .vcf file")
    contacts.add_argument("--mapping", metavar="JSON|@FILE",
                          help='column header -> field, e.g. \'{"Société": "account"}\', '
                               "or @mapping.json")
    contacts.add_argument("--dedup", choices=("skip", "update", "create"), default="skip",
                          help="a row whose email or phone is known: skip it (default), "
                               "update that contact, or create another")
    contacts.add_argument("--dry-run", action="store_true",
                          help="check every row and report, write nothing")
    add_connection_arguments(contacts)
    contacts.set_defaults(run=run_import)

    commands.add_parser("dlq", help="inspect and replay dead-letter queues "
                                    "(crm dlq --help)", add_help=False)

    mailbox = commands.add_parser(
        "mailbox", help="run the local SMTP server that keeps every mail sent",
        description="Listen where CRM_SMTP_URL points (default smtp://127.0.0.1:8025) and "
                    "keep each mail received as a .eml file under CRM_DATA_DIR/mail.")
    mailbox.add_argument("--url", help="smtp://host:port to listen on (default CRM_SMTP_URL)")
    mailbox.add_argument("--dir", type=Path, help="where to keep the mails")
    mailbox.set_defaults(run=lambda args: serve(args.url, args.dir))

    reporting = commands.add_parser("reporting", help="the reporting service's read models")
    actions = reporting.add_subparsers(dest="action", required=True, metavar="ACTION")
    rebuild = actions.add_parser(
        "rebuild", help="rebuild the read models from every service's event log",
        description="Empty the reporting service's read models, then read each service's "
                    "event log back into them through the REST API (admins only). Reports "
                    "are incomplete until it ends; run it again if it is interrupted.")
    add_connection_arguments(rebuild)
    rebuild.set_defaults(run=run_rebuild)

    marketing = commands.add_parser("marketing", help="the marketing service's projection")
    actions = marketing.add_subparsers(dest="action", required=True, metavar="ACTION")
    rebuild = actions.add_parser(
        "rebuild", help="rebuild marketing's view of the contacts from their event log",
        description="Read the contacts service's event log into the marketing service's "
                    "projection of contacts, accounts and consent through the REST API "
                    "(admins only), then bring every dynamic segment in line.")
    add_connection_arguments(rebuild)
    rebuild.set_defaults(run=run_marketing_rebuild)
    return parser


def run_import(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        raise UsageError(f"{path}: no such file" if not path.exists()
                         else f"{path}: not a file")
    mapping = parse_mapping(args.mapping) if args.mapping is not None else None
    client = _signed_in(args)
    options = ImportOptions(dedup=args.dedup, dry_run=args.dry_run, mapping=mapping)
    job = import_contacts(client, path, options, Console(stderr=True))
    print(*job_report(job, report_url(client, job["id"])), sep="\n")
    return EXIT_DONE if job["status"] == "done" else EXIT_FAILED


def run_demo(args: argparse.Namespace) -> int:
    client = _signed_in(args)
    dataset = build_dataset(args.contacts, args.seed)
    with progress_bar(Console(stderr=True)) as progress:
        report = load_demo(client, dataset, progress, args.seed)
    print(*report_lines(report, dataset, client.connection.url), sep="\n")
    if not report.succeeded:
        print(*job_report(report.job, report_url(client, report.job["id"])), sep="\n",
              file=sys.stderr)
        return EXIT_FAILED
    return EXIT_DONE


def run_rebuild(args: argparse.Namespace) -> int:
    client = _signed_in(args)
    with progress_bar(Console(stderr=True)) as progress:
        result = rebuild_reports(client, progress)
    print(*rebuild_lines(result), sep="\n")
    return EXIT_DONE


def run_marketing_rebuild(args: argparse.Namespace) -> int:
    client = _signed_in(args)
    with progress_bar(Console(stderr=True)) as progress:
        applied = rebuild_marketing(client, progress)
    print(f"marketing's projection rebuilt from {applied} contacts event(s)")
    return EXIT_DONE


def run_dlq(argv: list[str]) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # eventlet's deprecation notice, not the user's concern
        from crm_chassis import dead_letters
    import requests
    from kombu.exceptions import KombuError

    try:
        return dead_letters.main(argv)
    except (requests.RequestException, OSError, KombuError) as exc:
        print(f"crm dlq: cannot reach the broker or its management API: {exc}",
              file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _signed_in(args: argparse.Namespace) -> CrmClient:
    client = CrmClient(connection_from(args, os.environ))
    client.sign_in()
    return client


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= MAX_DEMO_CONTACTS:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_DEMO_CONTACTS}")
    return value



if __name__ == "__main__":
    sys.exit(main())
