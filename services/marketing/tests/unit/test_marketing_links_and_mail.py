"""Signed links and the mail as it goes out: RFC 8058 headers, a stable Message-ID."""

import pytest

from marketing.domain import links
from marketing.domain.mail import Outgoing, build, message_id

KEY = "k" * 48


def test_tokens_round_trip_and_refuse_forgeries():
    token = links.make(KEY, links.UNSUBSCRIBE, "r-1")
    assert links.read(KEY, token, links.UNSUBSCRIBE).recipient_id == "r-1"
    with pytest.raises(links.BadToken):
        links.read("other" * 10, token, links.UNSUBSCRIBE)
    with pytest.raises(links.BadToken):
        links.read(KEY, token.replace("r-1", "r-2"), links.UNSUBSCRIBE)
    with pytest.raises(links.BadToken):
        links.read(KEY, token, links.OPEN)  # an unsubscribe token is not an open token
    with pytest.raises(links.BadToken):
        links.read(KEY, "junk", links.OPEN)


def test_click_tokens_carry_their_signed_target():
    token = links.make(KEY, links.CLICK, "r-1", "https://example.com/a?b=1&c=ü")
    assert links.read(KEY, token, links.CLICK).url == "https://example.com/a?b=1&c=ü"
    kind, rid, url, sig = token.split(".")
    forged = ".".join([kind, rid, links.make(KEY, links.CLICK, "r-1", "https://evil.test")
                       .split(".")[2], sig])
    with pytest.raises(links.BadToken):
        links.read(KEY, forged, links.CLICK)


def test_html_links_are_tracked_except_unsubscribe_and_a_pixel_is_added():
    html = ('<html><body><a href="https://example.com/x?a=1&amp;b=2">x</a>'
            '<a href="https://crm/u">leave</a></body></html>')
    tracked = links.with_pixel(links.track_links(html, "https://crm", KEY, "r-1",
                                                 "https://crm/u"), "https://crm/o.gif")
    assert "https://crm/api/v1/t/c/c.r-1." in tracked
    assert 'href="https://crm/u"' in tracked
    assert tracked.index('<img src="https://crm/o.gif"') < tracked.index("</body>")
    token = tracked.split("/api/v1/t/c/")[1].split('"')[0]
    assert links.read(KEY, token, links.CLICK).url == "https://example.com/x?a=1&b=2"


def test_a_campaign_mail_carries_one_click_unsubscribe_headers():
    mail = build(Outgoing(sender="m@crm.local", to="ada@example.com", subject="Hi",
                          text_body="Hello", html_body="<p>Hello</p>",
                          message_id=message_id("cmp", "r-1"),
                          unsubscribe_url="https://crm/api/v1/unsubscribe/u.r-1.x",
                          campaign_id="cmp"))
    assert mail["Message-ID"] == "<cmp.r-1@marketing.crm>"
    assert mail["List-Unsubscribe"] == "<https://crm/api/v1/unsubscribe/u.r-1.x>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.get_body(("plain",)).get_content().strip() == "Hello"
    assert mail.get_body(("html",)).get_content().strip() == "<p>Hello</p>"
