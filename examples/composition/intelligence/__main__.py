"""Composition example, the "intelligence" stack: Conversation Intelligence for a support line that
another team's stack ("infra") describes, consumed through a ``pulumi.StackReference`` and wrapped in
a component.

When the infra stack's outputs change (a new webhook URL, another support number), the next
``pulumi up`` of this stack updates the Intelligence Configuration and the Conversation Configuration
in place. Both stacks must be in the same backend (``pulumi login``).

Stack config (optional): ``infraStack`` (the infra stack's fully qualified name; default
``organization/composition-infra/<this stack's name>``, a file backend's name for it) and
``memoryStoreId``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

import pulumi_twilio_intelligence as twilio_ci

DEFAULT_MEMORY_STORE_ID = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"


class SupportIntelligence(pulumi.ComponentResource):
    """A support line's Conversation Intelligence: an Intelligence Configuration that runs Twilio's
    Sentiment Analysis and Summary operators when a conversation ends and posts the results to
    ``webhook_url``, and a Conversation Configuration that captures calls and texts to
    ``support_numbers`` (E.164 numbers) and attaches it.

    Outputs: ``intelligence_configuration_id``, ``conversation_configuration_id``.
    """

    def __init__(
        self,
        name: str,
        *,
        webhook_url: pulumi.Input[str],
        support_numbers: pulumi.Input[Sequence[str]],
        memory_store_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("composition:support:SupportIntelligence", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        operators = [
            {"id": twilio_ci.get_operator(display_name=display_name, author="TWILIO").id}
            for display_name in ("Sentiment Analysis", "Summary")
        ]
        self.intelligence = twilio_ci.IntelligenceConfiguration(
            f"{name}-intelligence",
            display_name=f"{name} post-conversation",
            rules=[
                {
                    "operators": operators,
                    "triggers": [{"on": "CONVERSATION_END"}],
                    "actions": [{"type": "WEBHOOK", "method": "POST", "url": webhook_url}],
                }
            ],
            opts=child,
        )
        channel_settings = pulumi.Output.from_input(support_numbers).apply(
            lambda numbers: {
                channel: {"capture_rules": [{"from": "*", "to": number} for number in numbers]}
                for channel in ("VOICE", "SMS")
            }
        )
        self.conversations = twilio_ci.ConversationConfiguration(
            f"{name}-conversations",
            display_name=f"{name} support line",
            description="Calls and texts to the support numbers of the infra stack",
            conversation_grouping_type="GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE",
            memory_store_id=memory_store_id,
            channel_settings=channel_settings,
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


config = pulumi.Config()
infra = pulumi.StackReference(config.get("infraStack") or f"organization/composition-infra/{pulumi.get_stack()}")
support = SupportIntelligence(
    "support",
    webhook_url=infra.require_output("webhook_url"),
    support_numbers=infra.require_output("support_numbers"),
    memory_store_id=config.get("memoryStoreId") or DEFAULT_MEMORY_STORE_ID,
)
pulumi.export("webhook_url", infra.require_output("webhook_url"))
pulumi.export("intelligence_configuration_id", support.intelligence.id)
pulumi.export("conversation_configuration_id", support.conversations.id)
