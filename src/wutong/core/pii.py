"""Model fields for personal data: encrypted at rest, masked by default, found by blind index.

A ``PersonalDataField`` column holds only ciphertext. On the model the value is a
``PersonalValue``: its ``str()`` is the *masked* form, so a template, a log line, an export or
an audit snapshot that forgets about personal data still leaks nothing. The clear text is only
available through ``reveal()``; views reach it through ``core.services.personal_data_reveal``,
which checks the permission and writes the access record.

Declare the blind index next to the field when records must be found by exact value::

    phone = PersonalDataField(kind="phone", blank=True)
    phone_bidx = BlindIndexField(source="phone")

Saving (``save()`` or ``bulk_create()``) recomputes the index from the value; a
``queryset.update()`` of the field must set the index too.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import models
from django.utils.translation import gettext_lazy as _

from wutong.core.security import crypto
from wutong.core.security.masking import KINDS, mask, normalize


class PersonalValue:
    """One personal-data value: masked when printed, clear only through ``reveal()``."""

    __slots__ = ("_plain", "_token", "kind")

    def __init__(self, kind: str, *, plain: str | None = None, token: str | None = None):
        if plain is None and token is None:
            raise ValueError("PersonalValue needs a plain value or a token")
        self.kind = kind
        self._plain = normalize(kind, plain) if plain is not None else None
        self._token = token

    # -- reading ---------------------------------------------------------------------------
    def reveal(self) -> str:
        """The clear value. Callers showing it to a person must log the access."""
        if self._plain is None:
            self._plain = crypto.decrypt(self._token, kind=self.kind)
        return self._plain

    @property
    def masked(self) -> str:
        try:
            return mask(self.kind, self.reveal())
        except crypto.DecryptionError:
            return "（无法解密）"

    @property
    def blind_index(self) -> str:
        return crypto.blind_index(self.kind, self.reveal())

    @property
    def is_loaded_from_db(self) -> bool:
        return self._token is not None and self._plain is None

    # -- writing ---------------------------------------------------------------------------
    def token(self) -> str:
        if self._token is None:
            self._token = crypto.encrypt(self._plain, kind=self.kind)
        return self._token

    # -- behaving like a safe string --------------------------------------------------------
    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"<PersonalValue {self.kind} {self.masked}>"

    def __html__(self) -> str:
        from django.utils.html import escape

        return escape(self.masked)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PersonalValue):
            return self.kind == other.kind and self.reveal() == other.reveal()
        if isinstance(other, str):
            return self.reveal() == normalize(self.kind, other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.kind, self.reveal()))

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(self.masked)


class _PersonalDescriptor:
    """Wraps assigned strings in ``PersonalValue`` so clear text never sits on a model."""

    def __init__(self, field: PersonalDataField):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return instance.__dict__.get(self.field.attname)

    def __set__(self, instance, value) -> None:
        field = self.field
        if isinstance(value, str):
            value = PersonalValue(field.kind, plain=value) if value.strip() else None
        instance.__dict__[field.attname] = value


class PersonalDataField(models.TextField):
    """Encrypted personal data (ID number, phone, bank account…); see the module docstring."""

    description = _("加密的个人信息")

    def __init__(self, *args, kind: str = "text", **kwargs):
        self.kind = kind
        self.blind_index_attname: str | None = None
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.kind not in KINDS:
            errors.append(checks.Error(f"unknown personal-data kind {self.kind!r}", obj=self,
                                       id="wutong.E001"))
        return errors

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        setattr(cls, self.attname, _PersonalDescriptor(self))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return PersonalValue(self.kind, token=value)

    def to_python(self, value):
        if value is None or isinstance(value, PersonalValue):
            return value
        value = str(value)
        return PersonalValue(self.kind, plain=value) if value.strip() else None

    def get_prep_value(self, value):
        value = self.to_python(value)
        return value.token() if value is not None else None

    def value_to_string(self, obj) -> str:
        value = self.value_from_object(obj)
        return value.masked if value is not None else ""

    def get_lookup(self, lookup_name):
        # Ciphertext is randomized: only "is it set" can be asked of the column itself.
        if lookup_name != "isnull":
            raise TypeError(
                f"{self.name}: personal data cannot be filtered with '{lookup_name}'; "
                f"filter on its blind index instead"
            )
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """Keyed HMAC of a ``PersonalDataField`` for exact lookups; kept in step on assignment."""

    description = _("个人信息盲索引")

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        # The default here is an index: a field declared without one must say so.
        kwargs["db_index"] = self.db_index
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only)
        # _meta.get_field() would cache a half-built field map here; walk the list instead.
        for field in cls._meta.local_fields:
            if field.name == self.source:
                field.blind_index_attname = self.attname

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.source)
        if value is None:
            index = None
        elif isinstance(value, PersonalValue) and value.is_loaded_from_db:
            return getattr(model_instance, self.attname)
        else:
            index = value.blind_index
        setattr(model_instance, self.attname, index)
        return index


def personal_lookup(model: type[models.Model], field_name: str, value: str) -> dict[str, Any]:
    """Filter kwargs that find rows whose personal field equals ``value`` exactly."""
    field = model._meta.get_field(field_name)
    if not isinstance(field, PersonalDataField) or not field.blind_index_attname:
        raise TypeError(f"{model.__name__}.{field_name} has no blind index")
    normalized = normalize(field.kind, value)
    return {field.blind_index_attname: crypto.blind_index(field.kind, normalized)}


def personal_fields(model: type[models.Model]) -> list[PersonalDataField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, PersonalDataField)]
