"""Employers, keyed on the unified social credit code, and the platforms they host."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wutong.core.pii import BlindIndexField, PersonalDataField
from wutong.core.scope import RestrictedManager, ScopeSpec


class EmployerType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    UNIVERSITY = "university", _("高等院校")
    RESEARCH_INSTITUTE = "research_institute", _("科研院所")
    HOSPITAL = "hospital", _("医疗卫生机构")
    SCHOOL = "school", _("中小学校")
    SOCIAL_ORG = "social_org", _("社会组织")
    GOVERNMENT = "government", _("党政机关")
    OTHER = "other", _("其他")


class Ownership(models.TextChoices):
    STATE = "state", _("国有")
    COLLECTIVE = "collective", _("集体")
    PRIVATE = "private", _("民营")
    FOREIGN = "foreign", _("外资")
    HK_MO_TW = "hk_mo_tw", _("港澳台资")
    MIXED = "mixed", _("混合所有制")
    NOT_APPLICABLE = "", _("不适用")


class EmployerLabel(models.TextChoices):
    HIGH_TECH = "high_tech", _("高新技术企业")
    SPECIALIZED = "specialized", _("专精特新")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”")
    TECH_SME = "tech_sme", _("科技型中小企业")
    LISTED = "listed", _("上市企业")
    KEY_ENTERPRISE = "key_enterprise", _("重点企业")


class Employer(models.Model):
    """An employer (用人单位): enterprise, public institution, university, hospital, school…

    Keyed on the unified social credit code (GB 32100). ``labels`` holds codes of
    ``EmployerLabel`` (高新技术企业, 专精特新…); ``industry`` a GB/T 4754-2017 code.
    """

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("单位名称"), max_length=120, db_index=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    type = models.CharField(_("单位性质"), max_length=20, choices=EmployerType.choices)
    ownership = models.CharField(_("所有制"), max_length=12, choices=Ownership.choices,
                                 blank=True)
    industry = models.CharField(_("所属行业"), max_length=8, blank=True, db_index=True)
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="employers",
                               verbose_name=_("所在地区"))
    labels = models.JSONField(_("标签"), default=list, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = PersonalDataField(_("联系电话"), kind="phone")
    contact_phone_bidx = BlindIndexField(source="contact_phone")
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", employer="pk")

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "type"])]

    def __str__(self) -> str:
        return self.name


class EmployerAccount(models.Model):
    """Links an employer-role account to the employer it acts for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="employer_link", verbose_name=_("账号"))
    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="accounts",
                                 verbose_name=_("用人单位"))

    class Meta:
        verbose_name = _("用人单位账号")
        verbose_name_plural = _("用人单位账号")

    def __str__(self) -> str:
        return f"{self.user} → {self.employer}"


class PlatformKind(models.TextChoices):
    ACADEMICIAN = "academician", _("院士工作站")
    POSTDOC = "postdoc", _("博士后工作站")
    DOCTOR = "doctor", _("博士工作站")
    TALENT_STATION = "talent_station", _("人才工作站")
    TECH_CENTER = "tech_center", _("企业技术中心")
    ENGINEERING_CENTER = "engineering_center", _("工程研究中心")
    KEY_LAB = "key_lab", _("重点实验室")
    INCUBATOR = "incubator", _("孵化器/众创空间")
    TRAINING_BASE = "training_base", _("实训见习基地")
    OTHER = "other", _("其他")


class PlatformLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")
    DISTRICT = "district", _("区县级")


class Platform(models.Model):
    """An innovation platform (平台载体) hosted by an employer: 院士工作站, 博士后工作站…"""

    name = models.CharField(_("平台名称"), max_length=150)
    kind = models.CharField(_("平台类型"), max_length=20, choices=PlatformKind.choices)
    level = models.CharField(_("级别"), max_length=12, choices=PlatformLevel.choices)
    host = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="platforms",
                             verbose_name=_("依托单位"))
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所在地区"))
    partners = models.CharField(_("合作院校/机构"), max_length=300, blank=True)
    recognised_on = models.DateField(_("认定时间"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", employer="host")

    class Meta:
        verbose_name = _("平台载体")
        verbose_name_plural = _("平台载体")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["host", "name"],
                                               name="platform_name_unique_per_host")]

    def __str__(self) -> str:
        return self.name
