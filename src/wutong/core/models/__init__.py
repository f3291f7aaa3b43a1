from wutong.core.models.audit import AuditRecord
from wutong.core.models.codes import CodeItem, CodeTable
from wutong.core.models.jobs import Job
from wutong.core.models.lists import ListPreference, SavedFilter
from wutong.core.models.notify import DeliveryStatus, Message, OutboundDelivery, Reminder
from wutong.core.models.regions import Region

__all__ = ["AuditRecord", "CodeItem", "CodeTable", "DeliveryStatus", "Job", "ListPreference",
           "Message", "OutboundDelivery", "Region", "Reminder", "SavedFilter"]
