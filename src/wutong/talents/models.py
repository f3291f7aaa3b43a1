"""One file per person (一人一档) and what hangs off it: education, titles, skills,
employment, recognised categories, pools and platform memberships."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wutong.core.pii import BlindIndexField, PersonalDataField
from wutong.core.scope import RestrictedManager, ScopeSpec


class IdType(models.TextChoices):
    RESIDENT = "resident", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MO = "hk_mo", _("港澳居民来往内地通行证")
    TW = "tw", _("台湾居民来往大陆通行证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class IntroductionMode(models.TextChoices):
    FULL_TIME = "full_time", _("刚性引进")
    FLEXIBLE = "flexible", _("柔性引进")
    LOCAL = "local", _("本地培养")


class Talent(models.Model):
    """A person in the registry, keyed on the ID number (or passport and nationality).

    The current highest education, degree, title and skill level, employer and category are
    kept on the row (and in step with the histories by the services) so that lists filter on
    one table. Codes refer to the national code tables (GB/T 4658, GB/T 6864, …).
    """

    # Indexes are few on purpose: every one slows a 100,000-row import. Lists filter within a
    # region (composite indexes below, which also serve the region foreign key).
    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="talents",
                               verbose_name=_("所属地区"), db_index=False)
    name = models.CharField(_("姓名"), max_length=60)
    # The name's pinyin (first reading), for the order a Chinese reader expects (拼音排序).
    name_sort = models.CharField(max_length=120, blank=True, editable=False)
    # How the name is searched (names.search_keys): the first reading's full pinyin and
    # initials. Other readings of polyphonic characters are TalentNameKey rows.
    name_pinyin = models.CharField(max_length=80, blank=True, editable=False)
    name_initials = models.CharField(max_length=80, blank=True, editable=False)
    id_type = models.CharField(_("证件类型"), max_length=12, choices=IdType.choices,
                               default=IdType.RESIDENT)
    id_number = PersonalDataField(_("证件号码"), kind="id_number")
    # Looked up through the unique constraint's index below, which starts with it.
    id_number_bidx = BlindIndexField(source="id_number", db_index=False)
    nationality = models.CharField(_("国籍"), max_length=40, default="中国")
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnic_group = models.CharField(_("民族"), max_length=4, blank=True)
    political_status = models.CharField(_("政治面貌"), max_length=4, blank=True)
    phone = PersonalDataField(_("手机号码"), kind="phone")
    # Indexed in Meta (a db_index here would add a useless LIKE index on PostgreSQL).
    phone_bidx = BlindIndexField(source="phone", db_index=False)
    email = models.EmailField(_("电子邮箱"), blank=True)
    education = models.CharField(_("最高学历"), max_length=4, blank=True)
    degree = models.CharField(_("最高学位"), max_length=4, blank=True)
    title_level = models.CharField(_("职称级别"), max_length=4, blank=True)
    skill_level = models.CharField(_("技能等级"), max_length=4, blank=True)
    employer = models.ForeignKey("orgs.Employer", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="talents",
                                 verbose_name=_("工作单位"))
    position = models.CharField(_("职务/岗位"), max_length=80, blank=True)
    industry = models.CharField(_("所属行业"), max_length=8, blank=True)
    introduced_on = models.DateField(_("引进时间"), null=True, blank=True)
    introduction_mode = models.CharField(_("引进方式"), max_length=12,
                                         choices=IntroductionMode.choices, blank=True)
    category = models.CharField(_("人才类别"), max_length=20, blank=True)
    honours = models.TextField(_("荣誉称号"), blank=True)
    tags = models.JSONField(_("标签"), default=list, blank=True)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="talent_file",
                                   verbose_name=_("平台账号"))
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="region", employer="employer", owner="account")

    class Meta:
        verbose_name = _("人才")
        verbose_name_plural = _("人才")
        ordering = ["name_sort", "id"]
        indexes = [
            models.Index(fields=["region", "name_sort"]),
            models.Index(fields=["region", "category"]),
            models.Index(fields=["region", "education"]),
            models.Index(fields=["region", "title_level"]),
            models.Index(fields=["phone_bidx"], name="talent_phone_bidx"),
            # Name search: prefix ranges within the user's regions. On PostgreSQL the
            # pattern-ops class lets LIKE 'zs%' use them whatever the collation.
            *(models.Index(fields=["region", field], name=f"talent_region_{field}",
                           opclasses=["", "varchar_pattern_ops"])
              for field in ("name", "name_pinyin", "name_initials")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number_bidx", "id_type", "nationality"],
                                    name="talent_unique_identity"),
        ]

    def __str__(self) -> str:
        return self.name


class TalentNameKey(models.Model):
    """A search key of a name in another reading of its polyphonic characters (单田芳 →
    shantianfang, stf…); the characters and the first reading are on the talent's row."""

    # Derived rows, rewritten with their talent: no database constraint to check for each
    # of them at the end of a 100,000-row import (Django still cascades the deletes).
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="name_keys",
                               db_constraint=False)
    # The talent's region, copied so a search is one index range within the user's regions.
    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    key = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("姓名检索键")
        verbose_name_plural = _("姓名检索键")
        indexes = [models.Index(fields=["region", "key"])]

    def __str__(self) -> str:
        return self.key


class Education(models.Model):
    """One education of a talent (GB/T 4658 level, degree, school, major, year)."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="educations")
    level = models.CharField(_("学历"), max_length=4)
    degree = models.CharField(_("学位"), max_length=4, blank=True)
    school = models.CharField(_("毕业院校"), max_length=100, blank=True)
    major = models.CharField(_("专业"), max_length=100, blank=True)
    graduated_on = models.DateField(_("毕业时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学历信息")
        verbose_name_plural = _("学历信息")
        ordering = ["-graduated_on"]

    def __str__(self) -> str:
        return f"{self.school} {self.major}"


class ProfessionalTitle(models.Model):
    """A professional title (职称): level and series, when obtained."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="titles")
    level = models.CharField(_("级别"), max_length=4)
    name = models.CharField(_("职称名称"), max_length=60, blank=True)
    series = models.CharField(_("系列"), max_length=60, blank=True)
    obtained_on = models.DateField(_("取得时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("职称")
        verbose_name_plural = _("职称")
        ordering = ["level", "-obtained_on"]

    def __str__(self) -> str:
        return self.name


class Employment(models.Model):
    """A period of work: employer, position, full-time (刚性) or flexible (柔性)."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey("orgs.Employer", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    employer_name = models.CharField(_("单位名称"), max_length=120)
    position = models.CharField(_("职务/岗位"), max_length=80, blank=True)
    mode = models.CharField(_("方式"), max_length=12, choices=IntroductionMode.choices,
                            blank=True)
    started_on = models.DateField(_("开始时间"), null=True, blank=True)
    ended_on = models.DateField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工作经历")
        verbose_name_plural = _("工作经历")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return self.employer_name


class CategoryRecognition(models.Model):
    """A recognised talent category (人才分类认定): which, when, on what basis, by whom."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="recognitions")
    category = models.ForeignKey("core.CodeItem", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("人才类别"))
    recognised_on = models.DateField(_("认定日期"))
    basis = models.CharField(_("认定依据"), max_length=300, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("认定人"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("人才类别认定")
        verbose_name_plural = _("人才类别认定")
        ordering = ["-recognised_on"]

    def __str__(self) -> str:
        return f"{self.talent} {self.category}"


class Pool(models.Model):
    """A named collection of talents (专家库, 智库, 党外代表人士库, 乡贤库…) with its own
    extra fields, declared as [{"key": …, "label": …}] and filled per member."""

    region = models.ForeignKey("core.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("所属地区"))
    name = models.CharField(_("名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    extra_fields = models.JSONField(_("附加字段"), default=list, blank=True)
    members = models.ManyToManyField(Talent, through="PoolMembership", related_name="pools")

    objects = RestrictedManager()
    scope = ScopeSpec(region="region")

    class Meta:
        verbose_name = _("人才库")
        verbose_name_plural = _("人才库")
        constraints = [models.UniqueConstraint(fields=["region", "name"],
                                               name="pool_name_unique_in_region")]

    def __str__(self) -> str:
        return self.name


class PoolMembership(models.Model):
    """A talent in a pool, with the pool's extra fields filled in."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE)
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE)
    joined_on = models.DateField(_("入库日期"), null=True, blank=True)
    extra = models.JSONField(_("附加信息"), default=dict, blank=True)

    class Meta:
        verbose_name = _("入库记录")
        verbose_name_plural = _("入库记录")
        constraints = [models.UniqueConstraint(fields=["pool", "talent"],
                                               name="pool_membership_unique")]

    def __str__(self) -> str:
        return f"{self.pool} · {self.talent}"


class PlatformMembership(models.Model):
    """A talent working on an innovation platform (院士工作站 member, 博士后 in station…)."""

    platform = models.ForeignKey("orgs.Platform", on_delete=models.CASCADE, related_name="+")
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE,
                               related_name="platform_memberships")
    role = models.CharField(_("角色"), max_length=60, blank=True)
    joined_on = models.DateField(_("加入时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("平台成员")
        verbose_name_plural = _("平台成员")
        constraints = [models.UniqueConstraint(fields=["platform", "talent"],
                                               name="platform_member_unique")]

    def __str__(self) -> str:
        return f"{self.platform} · {self.talent}"


class SkillCertificate(models.Model):
    """A vocational skill level (职业技能等级) held by a talent: level from the skill code
    table, occupation (职业/工种), certificate number (not personal data), issuer, date."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="skills")
    level = models.CharField(_("技能等级"), max_length=4)
    occupation = models.CharField(_("职业（工种）"), max_length=80, blank=True)
    certificate_no = models.CharField(_("证书编号"), max_length=60, blank=True)
    issuer = models.CharField(_("发证（认定）机构"), max_length=100, blank=True)
    obtained_on = models.DateField(_("取得时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("职业技能等级")
        verbose_name_plural = _("职业技能等级")
        ordering = ["level", "-obtained_on"]

    def __str__(self) -> str:
        return self.occupation or self.level


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县（区）级")
    OTHER = "other", _("其他")


class Honour(models.Model):
    """One honour title (荣誉称号) of a talent: name, level, year. ``Talent.honours`` keeps
    their names as one line (lists and exports read it) and is kept in step by the services."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="honour_list")
    name = models.CharField(_("荣誉名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=12, choices=HonourLevel.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("获得年份"), null=True, blank=True)

    class Meta:
        verbose_name = _("荣誉称号")
        verbose_name_plural = _("荣誉称号")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.name


class AttachmentKind(models.TextChoices):
    DEGREE = "degree", _("学历学位证书")
    TITLE = "title", _("职称证书")
    SKILL = "skill", _("技能等级证书")
    AWARD = "award", _("获奖及荣誉证书")
    CONTRACT = "contract", _("劳动合同/引进协议")
    IDENTITY = "identity", _("身份证件")
    OTHER = "other", _("其他")


class Attachment(models.Model):
    """A file in a talent's file (附件): certificate scans, contracts, awards.

    The content is sealed at rest (``core.security.crypto.encrypt_bytes``, it may show an ID
    card) and kept by ``talents.attachments`` under ``storage_key``; it is read only through
    the scoped, audited download.
    """

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("附件类型"), max_length=12, choices=AttachmentKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    filename = models.CharField(_("文件名"), max_length=150)
    file_type = models.CharField(_("文件格式"), max_length=8)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64, editable=False)
    storage_key = models.CharField(max_length=80, unique=True, editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = RestrictedManager()
    scope = ScopeSpec(region="talent__region", employer="talent__employer",
                      owner="talent__account")

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.filename
