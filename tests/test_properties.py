"""Property-based checks of the personal-data primitives (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wutong.core.security import crypto
from wutong.core.security.masking import KINDS, mask, normalize

text = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\x00" not in s)


@settings(max_examples=200, deadline=None)
@given(value=text, kind=st.sampled_from(KINDS))
def test_encrypt_then_decrypt_gives_the_value_back(value, kind):
    token = crypto.encrypt(value, kind=kind)
    if len(value) >= 8:
        assert value not in token
    assert crypto.decrypt(token, kind=kind) == value


@settings(max_examples=200, deadline=None)
@given(rest=st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_phone_index_ignores_how_it_was_typed(rest):
    digits = "1" + rest  # a mainland mobile number starts with 1
    typed = [digits, f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}", f"{digits[:3]}-{digits[3:]}",
             "".join(chr(ord(c) + 0xFEE0) for c in digits)]  # full-width digits
    indexes = {crypto.blind_index("phone", normalize("phone", t)) for t in typed}
    assert len(indexes) == 1


@settings(max_examples=300, deadline=None)
@given(value=st.text(alphabet="0123456789X", min_size=1, max_size=24),
       kind=st.sampled_from(KINDS))
def test_mask_keeps_length_and_hides_the_middle(value, kind):
    masked = mask(kind, value)
    assert len(masked) == len(value)
    if len(value) >= 11:
        assert "*" in masked
        assert masked != value
