"""Accounts: users, roles, government units, data scope, login security, API tokens."""
