"""Reading real-looking inbound mail: multipart, HTML only, other charsets, replies, junk."""

import pytest

from support.domain.inbound_email import MAX_BYTES, UnreadableEmail, parse

MULTIPART = """\
From: =?utf-8?q?Ren=C3=A9e_Dupont?= <Renee@Example.FR>
To: support@crm.test
Subject: =?iso-8859-1?q?Probl=E8me_d=27acc=E8s?=
Message-ID: <CAF+abc123@mail.example.fr>
Content-Language: fr
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Je n'arrive pas =E0 me connecter depuis hier.
--b1
Content-Type: text/html; charset="utf-8"

<p>Je n'arrive pas &agrave; me connecter</p>
--b1--
"""

HTML_ONLY = """\
From: bob@example.com
Subject: Invoice
Message-ID: <h1@example.com>
Content-Type: text/html; charset=windows-1252
Content-Transfer-Encoding: quoted-printable

<html><body><b>Where is my invoice</b> =80 42?</body></html>
"""

REPLY = """\
From: "Bob" <bob@example.com>
Subject: Re: Invoice [T-1042]
Message-ID: <r2@example.com>
In-Reply-To: <abc@support.crm>
References: <h1@example.com> <abc@support.crm>

Thanks, found it.
"""

WITH_ATTACHMENT = """\
From: amy@example.com
Subject: Screenshot
Message-ID: <a1@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="m"

--m
Content-Type: text/plain; charset=utf-8

See attached.
--m
Content-Type: image/png
Content-Disposition: attachment; filename="shot.png"
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--m--
"""


def test_multipart_with_an_other_charset():
    email = parse(MULTIPART)
    assert email.sender_email == "renee@example.fr" and email.sender_name == "Renée Dupont"
    assert email.subject == "Problème d'accès"
    assert email.body == "Je n'arrive pas à me connecter depuis hier."
    assert email.message_id == "CAF+abc123@mail.example.fr" and email.language == "fr"


def test_html_only_becomes_text():
    email = parse(HTML_ONLY)
    assert "Where is my invoice" in email.body and "€" in email.body and "<b>" not in email.body


def test_replies_name_what_they_answer():
    email = parse(REPLY)
    assert email.references == ["abc@support.crm", "h1@example.com"]
    assert email.sender_name == "Bob"


def test_attachments_are_not_the_body():
    assert parse(WITH_ATTACHMENT).body == "See attached."


def test_a_message_without_message_id_still_gets_a_stable_one():
    raw = "From: x@example.com\nSubject: hi there\n\nbody\n"
    assert parse(raw).message_id == parse(raw).message_id


@pytest.mark.parametrize("raw, problem", [
    ("", "empty"),
    ("Subject: hello\n\nbody", "no From"),
    ("From: not an address\nSubject: x\n\nbody", "no email address"),
    ("From: a@example.com\n\n", "neither a subject nor a text body"),
    ("From: a@example.com\nSubject: big\n\n" + "x" * (MAX_BYTES + 1), "larger"),
])
def test_bad_messages_are_refused_with_the_reason(raw, problem):
    with pytest.raises(UnreadableEmail, match=problem):
        parse(raw)


def test_nul_characters_and_undecodable_bytes_become_text_a_database_stores():
    # Raw NULs, an encoded-word and a base64 body that decode to NULs, and a header byte
    # no charset decodes: the mail is still read, with nothing left that PostgreSQL refuses.
    raw = ("From: =?utf-8?q?Eve=00_Smith?= <eve@example.com>\r\n"
           "Subject: =?utf-8?q?Hi=00there?=\r\nMessage-ID: <m1@example.com>\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n"
           "\r\nSGVsbG8AIHdvcmxk\r\n")
    email = parse(raw.replace("Hi=00", "Hi\x00=00"))
    assert (email.subject, email.body, email.sender_name) == ("Hithere", "Hello world",
                                                              "Eve Smith")
    odd = parse("From: eve@example.com\r\nSubject: caf\udce9\r\n\r\nbody\r\n")
    assert odd.subject == "caf\ufffd"
    for value in (email.subject, email.body, email.sender_name, odd.subject, odd.body):
        assert "\x00" not in value and value.encode("utf-8")
