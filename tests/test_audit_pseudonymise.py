"""Keyed pseudonyms: HMAC-SHA256, key from --salt, $PARCOURS_SALT or random and unsaved."""

import hashlib
import hmac

import pandas as pd

from parcours_helpers.audit.pseudonymise import (
    SALT_ENV,
    pseudonym,
    pseudonym_array,
    pseudonymise,
    resolve_key,
)


def test_pseudonym_is_the_truncated_hmac_sha256():
    expected = hmac.new(b"cle", b"CL0001", hashlib.sha256).hexdigest()[:16]
    assert pseudonym("CL0001", b"cle") == "C-" + expected
    assert pseudonym("  CL0001 ", b"cle") == "C-" + expected


def test_same_key_same_pseudonym_other_key_other_pseudonym():
    ids = pd.Series(["a", "b", "a"], index=[5, 6, 7])
    first, again = pseudonymise(ids, b"k1"), pseudonymise(ids, b"k1")
    assert first.equals(again)
    assert first.index.tolist() == [5, 6, 7]
    assert first.iloc[0] == first.iloc[2] != first.iloc[1]
    assert pseudonymise(ids, b"k2").iloc[0] != first.iloc[0]
    assert pseudonym_array(["a"], b"k1")[0] == first.iloc[0]


def test_key_sources(monkeypatch):
    monkeypatch.delenv(SALT_ENV, raising=False)
    assert resolve_key("sel") == (b"sel", "clé fournie (--salt)")
    monkeypatch.setenv(SALT_ENV, "env-sel")
    assert resolve_key(None) == (b"env-sel", "clé de la variable PARCOURS_SALT")
    assert resolve_key("sel")[0] == b"sel"  # --salt wins over the environment
    monkeypatch.delenv(SALT_ENV)
    key1, source = resolve_key(None)
    key2, _ = resolve_key(None)
    assert source == "clé aléatoire non conservée"
    assert len(key1) == 32 and key1 != key2


def test_pseudonym_array_matches_the_one_by_one_hmac_for_any_key_length():
    ids = ["CL0001", "  CL0002 ", "é@exemple.fr", ""]
    for key in (b"k", b"x" * 64, b"y" * 100, "clé".encode()):  # short, one block, hashed
        assert pseudonym_array(ids, key).tolist() == [pseudonym(i, key) for i in ids]
    assert pseudonym_array([], b"k").tolist() == []
