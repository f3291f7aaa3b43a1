"""Core: regions, code tables, audit, personal-data fields, import/export, jobs, base layout."""
