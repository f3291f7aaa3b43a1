"""Cryptography for personal data: ciphers, key ring, blind index, masking."""
