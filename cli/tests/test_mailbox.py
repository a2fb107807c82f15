"""`crm mailbox` as `make up` runs it: a real process, real SMTP, mails kept as files."""

from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from crm_cli.mailbox import smtp_address
from crm_testing.processes import ManagedProcess, free_port, venv_bin, wait_until


@pytest.fixture
def mailbox(tmp_path):
    port = free_port()
    process = ManagedProcess("mailbox", [venv_bin("crm"), "mailbox", "--url",
                                         f"smtp://127.0.0.1:{port}", "--dir",
                                         str(tmp_path / "mail")], {}, tmp_path).start()
    process.wait_for_log("mailbox: SMTP on", timeout=20)
    yield port, tmp_path / "mail"
    process.stop()


def test_every_mail_sent_is_kept_as_it_came(mailbox):
    port, folder = mailbox
    for number in (1, 2):
        mail = EmailMessage()
        mail["From"], mail["To"] = "crm@crm.example", "zoe@acme.example"
        mail["Subject"] = f"Votre lien de connexion n°{number}"
        mail.set_content("Ouvrez https://crm.example/portal?token=abc pour continuer.")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(mail)

    wait_until(lambda: len(list(folder.glob("*.eml"))) == 2, timeout=10,
               message="two mails kept")
    kept = [message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))]
    assert [m["Subject"] for m in kept] == ["Votre lien de connexion n°1",
                                            "Votre lien de connexion n°2"]
    assert "token=abc" in kept[0].get_content()


def test_the_address_comes_from_crm_smtp_url(monkeypatch):
    monkeypatch.setenv("CRM_SMTP_URL", "smtp://mail.internal:2525")
    assert smtp_address() == ("mail.internal", 2525)
    monkeypatch.delenv("CRM_SMTP_URL")
    assert smtp_address() == ("127.0.0.1", 8025)
    with pytest.raises(ValueError, match="smtp://host:port"):
        smtp_address("https://mail.example")
