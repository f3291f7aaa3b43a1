"""Orgs: employers (用人单位) and innovation platforms (平台载体)."""
