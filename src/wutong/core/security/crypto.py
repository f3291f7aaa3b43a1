"""Authenticated encryption of personal data and the keyed blind index.

Token format (stored in the column): ``wt1$<alg>$<kid>$<base64(nonce || ciphertext || tag)>``.
The algorithm and key id travel with each value, so a key rotation or a switch from AES to SM4
can proceed row by row while every value stays readable.

- ``aes``: AES-256-GCM (default).
- ``sm4``: SM4-GCM (GB/T 32907), for deployments that must use 商用密码 algorithms.

Per-algorithm keys are derived from the configured master key with HKDF-SHA256, and the kind of
data (``id_number``, ``phone``…) is bound as associated data, so a ciphertext copied into a
column of another kind does not decrypt.
"""

from __future__ import annotations

import base64
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TOKEN_PREFIX = "wt1"  # noqa: S105 - format marker, not a secret
ALGORITHMS = {"aes-256-gcm": "aes", "sm4-gcm": "sm4"}
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """A stored value cannot be decrypted (unknown key id, wrong key or tampered data)."""


@dataclass(frozen=True)
class Keyring:
    """The data keys in force: the first encrypts, all of them decrypt."""

    keys: dict[str, bytes]
    active_kid: str

    @classmethod
    def parse(cls, spec: str) -> Keyring:
        keys: dict[str, bytes] = {}
        active = None
        for part in (p.strip() for p in spec.split(",") if p.strip()):
            kid, sep, b64 = part.partition(":")
            if not sep or not kid.isalnum():
                raise ImproperlyConfigured("WUTONG_DATA_KEY: each key is 'kid:base64'")
            try:
                raw = base64.b64decode(b64, validate=True)
            except ValueError as exc:
                raise ImproperlyConfigured(f"WUTONG_DATA_KEY: key {kid} is not base64") from exc
            if len(raw) < 32:
                raise ImproperlyConfigured(f"WUTONG_DATA_KEY: key {kid} must be ≥ 32 bytes")
            keys[kid] = raw
            active = active or kid
        if not active:
            raise ImproperlyConfigured("WUTONG_DATA_KEY is empty")
        return cls(keys=keys, active_kid=active)


def _derive(master: bytes, label: str, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None,
                info=f"wutong/{label}".encode()).derive(master)


@lru_cache(maxsize=64)
def _subkey(spec: str, kid: str, alg: str) -> bytes:
    ring = keyring_for(spec)
    if kid not in ring.keys:
        raise DecryptionError(f"unknown key id {kid}")
    return _derive(ring.keys[kid], alg, 32 if alg == "aes" else 16)


@lru_cache(maxsize=8)
def keyring_for(spec: str) -> Keyring:
    return Keyring.parse(spec)


def current_keyring() -> Keyring:
    return keyring_for(settings.WUTONG_DATA_KEYS)


def current_algorithm() -> str:
    try:
        return ALGORITHMS[settings.WUTONG_CIPHER]
    except KeyError as exc:
        raise ImproperlyConfigured("WUTONG_CIPHER must be aes-256-gcm or sm4-gcm") from exc


def _sm4_gcm(key: bytes, nonce: bytes, data: bytes, aad: bytes, *, tag: bytes | None) -> bytes:
    mode = modes.GCM(nonce, tag) if tag else modes.GCM(nonce)
    cipher = Cipher(algorithms.SM4(key), mode)
    if tag is None:
        enc = cipher.encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(data) + enc.finalize() + enc.tag
    dec = cipher.decryptor()
    dec.authenticate_additional_data(aad)
    return dec.update(data) + dec.finalize()


@lru_cache(maxsize=16)
def _aesgcm(key: bytes) -> AESGCM:
    return AESGCM(key)


def encrypt(plaintext: str, *, kind: str, alg: str | None = None, kid: str | None = None) -> str:
    """Encrypt one value of the given kind with the active key (or the one named)."""
    spec = settings.WUTONG_DATA_KEYS
    alg = alg or current_algorithm()
    kid = kid or keyring_for(spec).active_kid
    key = _subkey(spec, kid, alg)
    nonce = os.urandom(NONCE_BYTES)
    aad = kind.encode()
    data = plaintext.encode("utf-8")
    if alg == "aes":
        sealed = _aesgcm(key).encrypt(nonce, data, aad)
    else:
        sealed = _sm4_gcm(key, nonce, data, aad, tag=None)
    body = base64.b64encode(nonce + sealed).decode("ascii")
    return f"{TOKEN_PREFIX}${alg}${kid}${body}"


def token_key_id(token: str) -> tuple[str, str]:
    """(algorithm, key id) of a stored token, without decrypting it."""
    parts = token.split("$")
    if len(parts) != 4 or parts[0] != TOKEN_PREFIX:
        raise DecryptionError("not a Wutong ciphertext")
    return parts[1], parts[2]


def decrypt(token: str, *, kind: str) -> str:
    alg, kid = token_key_id(token)
    body = token.rsplit("$", 1)[1]
    try:
        raw = base64.b64decode(body, validate=True)
    except ValueError as exc:
        raise DecryptionError("corrupt ciphertext") from exc
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    key = _subkey(settings.WUTONG_DATA_KEYS, kid, alg)
    try:
        if alg == "aes":
            data = _aesgcm(key).decrypt(nonce, sealed, kind.encode())
        elif alg == "sm4":
            data = _sm4_gcm(key, nonce, sealed[:-TAG_BYTES], kind.encode(),
                            tag=sealed[-TAG_BYTES:])
        else:
            raise DecryptionError(f"unknown algorithm {alg}")
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc
    return data.decode("utf-8")


@lru_cache(maxsize=4)
def _index_key(spec: str) -> bytes:
    try:
        raw = base64.b64decode(spec, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured("WUTONG_INDEX_KEY is not base64") from exc
    if len(raw) < 32:
        raise ImproperlyConfigured("WUTONG_INDEX_KEY must be ≥ 32 bytes")
    return _derive(raw, "blind-index", 32)


def blind_index(kind: str, normalized: str) -> str:
    """Keyed HMAC of a normalized value: equal values give equal indexes, nothing else leaks."""
    key = _index_key(settings.WUTONG_INDEX_KEY)
    return hmac.digest(key, f"{kind}:{normalized}".encode(), "sha256").hex()[:40]


def generate_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


FILE_MAGIC = b"WTF1"


def encrypt_bytes(data: bytes, *, kind: str = "file") -> bytes:
    """A whole file sealed with the active data key (AES-256-GCM), for files that must keep
    personal data in clear inside (an uploaded roster, its problem copy)."""
    ring = current_keyring()
    key = _subkey(settings.WUTONG_DATA_KEYS, ring.active_kid, "aes")
    nonce = os.urandom(NONCE_BYTES)
    kid = ring.active_kid.encode()
    return FILE_MAGIC + bytes([len(kid)]) + kid + nonce + _aesgcm(key).encrypt(
        nonce, data, kind.encode())


def decrypt_bytes(blob: bytes, *, kind: str = "file") -> bytes:
    if not blob.startswith(FILE_MAGIC):
        raise DecryptionError("not a sealed file")
    size = blob[len(FILE_MAGIC)]
    start = len(FILE_MAGIC) + 1
    kid = blob[start:start + size].decode()
    nonce = blob[start + size:start + size + NONCE_BYTES]
    key = _subkey(settings.WUTONG_DATA_KEYS, kid, "aes")
    try:
        return _aesgcm(key).decrypt(nonce, blob[start + size + NONCE_BYTES:], kind.encode())
    except InvalidTag as exc:
        raise DecryptionError("sealed file failed authentication") from exc
