"""The normal form of origins: every identity comparison, block and cache uses it."""

from __future__ import annotations

import pytest

from federation.origin import (
    InvalidOrigin,
    Origin,
    block_candidates,
    domain_of,
    origin_of,
    parse_domain,
    same_origin,
)


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://Example.ORG/users/a", "example.org"),
        ("https://example.org:443/x", "example.org"),
        ("http://example.org:80/x", "example.org"),
        ("https://example.org:80/x", "example.org:80"),
        ("https://example.org./x", "example.org"),
        ("https://Bücher.example/x", "xn--bcher-kva.example"),
        ("http://localhost:18403/actor", "127.0.0.1:18403"),
        ("http://node.localhost:18403/actor", "127.0.0.1:18403"),
        ("http://[::ffff:127.0.0.1]:18403/", "127.0.0.1:18403"),
        ("http://[::1]:8000/", "[::1]:8000"),
    ],
)
def test_origins_are_normalised(url: str, domain: str) -> None:
    assert domain_of(url) == domain


@pytest.mark.parametrize(
    "url",
    [
        "http://u@127.0.0.1:18403/actor",
        "https://user:pw@example.org/",
        "ftp://example.org/",
        "https:///nohost",
        "https://example.org:99999/",
        "https://[::1/",
        "not a url",
    ],
)
def test_unacceptable_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidOrigin):
        origin_of(url)


def test_the_port_and_scheme_are_part_of_the_origin() -> None:
    assert same_origin("https://a.example/x", "https://A.example:443/y")
    assert not same_origin("https://a.example/x", "https://a.example:8443/x")
    assert not same_origin("http://127.0.0.1:18402/actor", "http://127.0.0.1:18403/fake")
    assert not same_origin("http://a.example/x", "https://a.example/x")
    assert not same_origin("http://u@a.example/x", "http://a.example/x")
    assert origin_of("https://a.example:8443/x") == Origin("https", "a.example", 8443)
    assert str(origin_of("HTTPS://A.example:443")) == "https://a.example"


def test_domains_as_people_type_them() -> None:
    assert parse_domain("Lyon.Example.org").domain == "lyon.example.org"
    assert parse_domain("@lyon.example.org").domain == "lyon.example.org"
    assert parse_domain("https://lyon.example.org/").domain == "lyon.example.org"
    assert parse_domain("http://127.0.0.1:18302").domain == "127.0.0.1:18302"
    assert parse_domain("127.0.0.1:18302").domain == "127.0.0.1:18302"
    for bad in ("", "a b", "user@host", "https://u@h/", "a/b"):
        with pytest.raises(InvalidOrigin):
            parse_domain(bad)


def test_block_candidates_cover_parents_and_every_port() -> None:
    assert block_candidates("a.b.example.org:8443") == [
        "a.b.example.org:8443",
        "a.b.example.org",
        "b.example.org:8443",
        "b.example.org",
        "example.org:8443",
        "example.org",
    ]
    assert block_candidates("127.0.0.1:18403") == ["127.0.0.1:18403", "127.0.0.1"]
    assert block_candidates("[::1]:8000") == ["[::1]:8000", "[::1]"]
    assert "org" not in block_candidates("example.org")  # never a whole top-level domain
