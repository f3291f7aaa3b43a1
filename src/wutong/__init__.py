"""Wutong (梧桐): the platform a talent office runs its talent work on."""

__version__ = "0.1.0"
