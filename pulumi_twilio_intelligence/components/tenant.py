"""``TenantIntelligence``: one tenant's whole Conversation Intelligence set-up, as a Pulumi component.

An ISV runs one stack per tenant (each in the tenant's own Twilio subaccount); see the fleet runner
(:mod:`pulumi_twilio_intelligence.fleet`) for running hundreds of them.
"""

from __future__ import annotations

import re
from typing import cast

import pulumi

from ..resources import ConversationConfiguration, IntelligenceConfiguration, Operator, RuleArgsDict, get_operator

#: The Pulumi type token of the component (part of every child's URN: never change it).
TYPE_TOKEN = "twilio-intelligence:index:TenantIntelligence"
#: A tenant's name: it becomes part of display names (Twilio limits those), so it is kept short and plain.
TENANT_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,19}$")
#: An E.164 phone number (the support line's capture rules match it).
E164_PATTERN = re.compile(r"^\+[1-9][0-9]{1,14}$")


class TenantIntelligence(pulumi.ComponentResource):
    """One tenant's set-up: an escalation-risk Operator, an Intelligence Configuration running it with
    Twilio's Summary operator at the end of every conversation (results to ``webhook_url``), and a
    Conversation Configuration capturing the tenant's SMS and voice support line.

    Args:
        name: the component's Pulumi name; children are named ``{name}-escalation``,
            ``{name}-intelligence`` and ``{name}-conversations``.
        tenant: the tenant's name (1-20 letters, digits, spaces, ``-`` or ``_``, starting with a letter
            or digit); it appears in the display names.
        webhook_url: where Twilio posts the rule results and the conversations' status callbacks
            (an ``https://`` or ``http://`` URL).
        memory_store_id: the Memory Store (``mem_store_...``) the Conversation Configuration writes to.
            ``None`` is reserved for creating a store inside the component (the Memory Store chain);
            until the package has the ``MemoryStore`` resource it raises ``ValueError``.
        support_number: the tenant's support line, E.164 (``+18005550100``).
        opts: Pulumi resource options of the component (its children get ``parent=self``).

    Outputs (``pulumi.Output[str]``):
        operator_id: the escalation Operator's id (``intelligence_operator_...``), and
            ``operator_version`` its version (``pulumi.Output[int]``).
        intelligence_configuration_id: the Intelligence Configuration (``intelligence_configuration_...``).
        conversation_configuration_id: the Conversation Configuration (``conv_configuration_...``).
        memory_store_id: the Memory Store the conversations use.

    Twilio endpoints: ``POST /v3/ControlPlane/Operators``, ``POST /v3/ControlPlane/Configurations``
    (Intelligence API v3) and ``POST /v2/ControlPlane/Configurations`` (Conversations API v2), plus
    ``GET /v3/ControlPlane/Operators`` for Twilio's Summary operator.

    Raises:
        ValueError: ``tenant`` or ``support_number`` breaks its rule, or ``memory_store_id`` is missing
            (the message names the argument).
    """

    operator_id: pulumi.Output[str]
    operator_version: pulumi.Output[int]
    intelligence_configuration_id: pulumi.Output[str]
    conversation_configuration_id: pulumi.Output[str]
    memory_store_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        *,
        tenant: str,
        webhook_url: pulumi.Input[str],
        memory_store_id: pulumi.Input[str] | None = None,
        support_number: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not TENANT_PATTERN.match(tenant):
            raise ValueError(
                f"tenant: {tenant!r} must be 1-20 letters, digits, spaces, '-' or '_', starting with a letter or digit"
            )
        if not E164_PATTERN.match(support_number):
            raise ValueError(f"support_number: {support_number!r} must be an E.164 number such as '+18005550100'")
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        store = self._memory_store(name, tenant, memory_store_id, child)
        summary = get_operator(display_name="Summary", author="TWILIO")

        self.escalation = Operator(
            f"{name}-escalation",
            display_name=f"{tenant} escalation risk",
            prompt="Classify the risk that this {{parameters.product}} customer escalates: LOW, MEDIUM or HIGH.",
            output_format="CLASSIFICATION",
            parameters={"product": {"type": "STRING", "default": tenant, "description": "Product name."}},
            opts=child,
        )
        # Twilio always returns the version of an operator it made (None only before the create)
        version = cast("pulumi.Output[int]", self.escalation.version)
        rule: RuleArgsDict = {
            "operators": [{"id": self.escalation.id, "version": version}, {"id": summary.id}],
            "triggers": [{"on": "CONVERSATION_END"}],
            "actions": [{"type": "WEBHOOK", "method": "POST", "url": webhook_url}],
        }
        self.intelligence = IntelligenceConfiguration(
            f"{name}-intelligence", display_name=f"{tenant} post-conversation", rules=[rule], opts=child
        )
        self.conversations = ConversationConfiguration(
            f"{name}-conversations",
            display_name=f"{tenant} support",
            description=f"SMS and voice support for {tenant}",
            conversation_grouping_type="GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE",
            memory_store_id=store,
            channel_settings={
                "SMS": {"capture_rules": [{"from": "*", "to": support_number}]},
                "VOICE": {"capture_rules": [{"from": "*", "to": support_number, "metadata": {"callType": "PSTN"}}]},
            },
            status_callbacks=[{"url": webhook_url}],
            intelligence_configuration_ids=[self.intelligence.id],
            opts=child,
        )
        self.operator_id = self.escalation.id
        self.operator_version = version
        self.intelligence_configuration_id = self.intelligence.id
        self.conversation_configuration_id = self.conversations.id
        self.memory_store_id = pulumi.Output.from_input(store)
        self.register_outputs(
            {
                "operator_id": self.operator_id,
                "operator_version": self.operator_version,
                "intelligence_configuration_id": self.intelligence_configuration_id,
                "conversation_configuration_id": self.conversation_configuration_id,
                "memory_store_id": self.memory_store_id,
            }
        )

    def _memory_store(
        self, name: str, tenant: str, memory_store_id: pulumi.Input[str] | None, child: pulumi.ResourceOptions
    ) -> pulumi.Input[str]:
        """The Memory Store of the tenant's conversations: the given one.

        SEAM (Memory Store chain): once the package has the ``MemoryStore`` resource, ``None`` creates
        ``MemoryStore(f"{name}-memory", display_name=f"{tenant} memory", opts=child)`` here and returns
        its id.
        """
        if memory_store_id is None:
            raise ValueError(
                "memory_store_id: required (the Memory Store the tenant's conversations write to, mem_store_...)"
            )
        return memory_store_id
