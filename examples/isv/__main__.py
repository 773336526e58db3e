"""ISV example: one tenant's Conversation Intelligence set-up, as a reusable component.

An ISV runs one stack per tenant, each with that tenant's Twilio subaccount credentials::

    pulumi stack init tenant-acme
    pulumi config set tenant "Acme"
    pulumi config set twilio:accountSid ACxxxxxxxx          # the tenant's subaccount
    pulumi config set --secret twilio:authToken             # its auth token (prompted)
    pulumi up

Stack config: ``tenant`` (letters, digits, spaces, - and _; at most 20 characters), ``webhookUrl``,
``memoryStoreId`` (an existing Memory Store of the tenant; without it the stack creates one) and
``supportNumber``.
"""

from __future__ import annotations

import pulumi

import pulumi_twilio_intelligence as twilio_ci


class TenantIntelligence(pulumi.ComponentResource):
    """An escalation-risk operator, an Intelligence Configuration that runs it with Twilio's Summary
    operator when a conversation ends, and a Conversation Configuration for the tenant's SMS and
    voice line."""

    def __init__(
        self,
        name: str,
        *,
        tenant: str,
        webhook_url: pulumi.Input[str],
        memory_store_id: pulumi.Input[str],
        support_number: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("twilio-isv:index:TenantIntelligence", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        summary = twilio_ci.get_operator(display_name="Summary", author="TWILIO")

        escalation = twilio_ci.Operator(
            f"{name}-escalation",
            display_name=f"{tenant} escalation risk",
            prompt="Classify the risk that this {{parameters.product}} customer escalates: LOW, MEDIUM or HIGH.",
            output_format="CLASSIFICATION",
            parameters={"product": {"type": "STRING", "default": tenant, "description": "Product name."}},
            opts=child,
        )
        self.intelligence = twilio_ci.IntelligenceConfiguration(
            f"{name}-intelligence",
            display_name=f"{tenant} post-conversation",
            rules=[
                {
                    "operators": [{"id": escalation.id, "version": escalation.version}, {"id": summary.id}],
                    "triggers": [{"on": "CONVERSATION_END"}],
                    "actions": [{"type": "WEBHOOK", "method": "POST", "url": webhook_url}],
                }
            ],
            opts=child,
        )
        self.conversations = twilio_ci.ConversationConfiguration(
            f"{name}-conversations",
            display_name=f"{tenant} support",
            description=f"SMS and voice support for {tenant}",
            conversation_grouping_type="GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE",
            memory_store_id=memory_store_id,
            channel_settings={
                "SMS": {"capture_rules": [{"from": "*", "to": support_number}]},
                "VOICE": {"capture_rules": [{"from": "*", "to": support_number, "metadata": {"callType": "PSTN"}}]},
            },
            status_callbacks=[{"url": webhook_url}],
            intelligence_configuration_ids=[self.intelligence.id],
            opts=child,
        )
        self.register_outputs(
            {
                "intelligence_configuration_id": self.intelligence.id,
                "conversation_configuration_id": self.conversations.id,
            }
        )


def program() -> None:
    """One tenant per stack."""
    config = pulumi.Config()
    tenant = config.get("tenant") or "Acme"
    memory_store_id: pulumi.Input[str] | None = config.get("memoryStoreId")
    if not memory_store_id:
        store_name = "-".join("".join(c if c.isalnum() else " " for c in tenant).split()) or "tenant"
        memory_store_id = twilio_ci.MemoryStore("tenant-memory", display_name=f"{store_name}-memory").id
    set_up = TenantIntelligence(
        "tenant",
        tenant=tenant,
        webhook_url=config.get("webhookUrl") or "https://example.com/tenants/results",
        memory_store_id=memory_store_id,
        support_number=config.get("supportNumber") or "+18005550100",
    )
    pulumi.export("tenant", tenant)
    pulumi.export("intelligence_configuration_id", set_up.intelligence.id)
    pulumi.export("conversation_configuration_id", set_up.conversations.id)


if __name__ == "__main__":
    program()
