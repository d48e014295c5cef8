"""Shared fixtures for the federation library's tests."""

from __future__ import annotations

import sys
from pathlib import Path

# The repository root, so that ``import federation`` works without installing the project.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa  # noqa: E402

from federation.keys import generate_ed25519_key, generate_rsa_key  # noqa: E402

NOW = dt.datetime(2025, 3, 1, 12, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return generate_rsa_key()


@pytest.fixture(scope="session")
def other_rsa_key() -> rsa.RSAPrivateKey:
    return generate_rsa_key()


@pytest.fixture(scope="session")
def ed_key() -> ed25519.Ed25519PrivateKey:
    return generate_ed25519_key()
