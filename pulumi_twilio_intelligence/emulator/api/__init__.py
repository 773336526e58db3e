"""Twilio's 2010 API (``https://api.twilio.com/2010-04-01``), the part a fleet of tenants needs:
Accounts (create, fetch, list subaccounts) and their API Keys (create, list, fetch, delete).
Form-encoded requests, JSON answers, the ``{code, message, more_info, status}`` error body."""
