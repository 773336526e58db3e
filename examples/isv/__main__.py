"""ISV example: one tenant's Conversation Intelligence set-up per stack (``TenantIntelligence``).

An ISV runs one stack per tenant, each with that tenant's Twilio subaccount credentials::

    pulumi stack init tenant-acme
    pulumi config set tenant "Acme"
    pulumi config set twilio:accountSid ACxxxxxxxx          # the tenant's subaccount
    pulumi config set --secret twilio:authToken             # its auth token (prompted)
    pulumi config set memoryStoreId mem_store_xxxxxxxx
    pulumi up

or runs the whole fleet of tenants with ``twilio-intelligence-fleet up --fleet fleet.yaml`` (this
directory is the fleet file's ``program``; see the README's "Running a fleet").

Stack config: ``tenant`` (1-20 letters, digits, spaces, - and _), ``webhookUrl``, ``memoryStoreId``,
``supportNumber`` (E.164).
"""

from __future__ import annotations

import pulumi

import pulumi_twilio_intelligence as twilio_ci

DEFAULT_MEMORY_STORE_ID = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"


def program() -> None:
    """One tenant per stack."""
    config = pulumi.Config()
    tenant = config.get("tenant") or "Acme"
    set_up = twilio_ci.TenantIntelligence(
        "tenant",
        tenant=tenant,
        webhook_url=config.get("webhookUrl") or "https://example.com/tenants/results",
        memory_store_id=config.get("memoryStoreId") or DEFAULT_MEMORY_STORE_ID,
        support_number=config.get("supportNumber") or "+18005550100",
    )
    pulumi.export("tenant", tenant)
    pulumi.export("intelligence_configuration_id", set_up.intelligence_configuration_id)
    pulumi.export("conversation_configuration_id", set_up.conversation_configuration_id)


if __name__ == "__main__":
    program()
