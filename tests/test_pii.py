"""Personal data: encrypted at rest, masked when shown or exported, revealed only with the
permission and always logged; keys rotate without loss."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import TALENT_ID
from wutong.accounts.models import User
from wutong.core.errors import PermissionDenied
from wutong.core.models import AuditRecord
from wutong.core.pii import PersonalValue, personal_lookup
from wutong.core.security import crypto
from wutong.core.security.masking import mask
from wutong.core.services import personal_data_reveal


def raw_column(user: User, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [user.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_stored_encrypted_not_in_clear(world):
    stored = raw_column(world["talent"], "phone")
    assert "13912345678" not in stored
    assert stored.startswith("wt1$aes$")
    assert TALENT_ID not in raw_column(world["talent"], "id_number")


def test_value_prints_masked_and_reveals_explicitly(world):
    talent = User.objects.get(pk=world["talent"].pk)
    assert str(talent.phone) == "139****5678"
    assert str(talent.id_number) == TALENT_ID[:6] + "********" + TALENT_ID[-4:]
    assert repr(talent.phone) == "<PersonalValue phone 139****5678>"
    assert talent.phone.reveal() == "13912345678"


def test_masks():
    assert mask("id_number", "230602199001011238") == "230602********1238"
    assert mask("phone", "13800138000") == "138****8000"
    assert mask("bank_account", "6222020200112233445") == "***************3445"


def test_blind_index_finds_exact_value_in_any_typed_form(world):
    for typed in ("13912345678", "+86 139 1234 5678", "139-1234-5678", "１３９１２３４５６７８"):
        assert User.objects.filter(**personal_lookup(User, "phone", typed)).get() == world[
            "talent"]
    assert not User.objects.filter(**personal_lookup(User, "phone", "13912345679")).exists()


def test_filtering_on_ciphertext_is_refused(world):
    with pytest.raises(TypeError, match="blind index"):
        User.objects.filter(phone="13912345678").exists()


def test_ciphertext_of_one_kind_does_not_decrypt_as_another():
    token = crypto.encrypt("13912345678", kind="phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, kind="id_number")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(tampered, kind="phone")


def test_sm4_is_selectable(world, settings):
    settings.WUTONG_CIPHER = "sm4-gcm"
    user = world["talent2"]
    user.phone = "13700001111"
    user.save()
    assert raw_column(user, "phone").startswith("wt1$sm4$")
    assert User.objects.get(pk=user.pk).phone.reveal() == "13700001111"


def test_reveal_needs_permission_and_is_logged(world, login):
    talent = world["talent"]
    with pytest.raises(PermissionDenied):
        personal_data_reveal(user=world["leader"], obj=talent, field_name="phone")
    assert personal_data_reveal(user=world["district"], obj=talent,
                                field_name="phone") == "13912345678"
    record = AuditRecord.objects.filter(action="reveal").get()
    assert record.actor == world["district"]
    assert record.changes["extra"]["field"] == "phone"
    assert "13912345678" not in str(record.changes)


def test_reveal_through_the_page(world, login):
    client = login(world["district"])
    page = client.get(f"/accounts/users/{world['talent'].pk}/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    revealed = client.post(f"/accounts/users/{world['talent'].pk}/reveal/phone/")
    assert revealed.status_code == 200 and "13912345678" in revealed.content.decode()
    # Another district's office cannot reveal (nor even see) this person.
    other = login(world["longfeng"]).post(f"/accounts/users/{world['talent'].pk}/reveal/phone/")
    assert other.status_code == 404


def test_key_rotation_reencrypts_without_loss(world, settings):
    old = settings.WUTONG_DATA_KEYS
    new_key = crypto.generate_key()
    settings.WUTONG_DATA_KEYS = f"k2:{new_key},{old}"
    # Readable mid-rotation: old rows decrypt with the old key still in the ring.
    assert User.objects.get(pk=world["talent"].pk).phone.reveal() == "13912345678"
    call_command("pii_rotate", verbosity=0)
    assert raw_column(world["talent"], "phone").startswith("wt1$aes$k2$")
    settings.WUTONG_DATA_KEYS = f"k2:{new_key}"  # the old key is retired
    talent = User.objects.get(pk=world["talent"].pk)
    assert talent.phone.reveal() == "13912345678"
    assert talent.id_number.reveal() == TALENT_ID
    assert User.objects.filter(**personal_lookup(User, "phone", "13912345678")).exists()


def test_personal_value_equality_and_empty(world):
    assert PersonalValue("phone", plain="139 1234 5678") == "13912345678"
    user = world["talent2"]
    user.phone = ""
    user.save()
    assert User.objects.get(pk=user.pk).phone is None
