"""Quickstart: the whole chain on an empty account.

A Memory Store (with a Contact trait group, and identity resolution on email and phone), a Knowledge
Base with one text source, a custom Language Operator that takes that source as a
``KNOWLEDGE_BASE_AND_SOURCE_IDS`` parameter, an Intelligence Configuration whose rule runs it (pinned
to its version) with Twilio's Sentiment Analysis operator and memory and knowledge context, and a
Conversation Configuration on the new store that attaches the Intelligence Configuration to a voice
line.

Stack config (all optional): ``webhookUrl`` (where results are posted) and ``supportNumber``.
"""

import pulumi

import pulumi_twilio_intelligence as twilio_ci

RETURNS_POLICY = (
    "Returns: customers may return any item within 30 days of delivery for a full refund. "
    "Opened software and gift cards cannot be returned. Refunds reach the original payment method "
    "within 5 business days of the return being received."
)


def program() -> None:
    """Declare the quickstart's resources and outputs."""
    config = pulumi.Config()
    webhook_url = config.get("webhookUrl") or "https://example.com/intelligence/results"
    support_number = config.get("supportNumber") or "+18888888888"

    store = twilio_ci.MemoryStore(
        "support-memory", display_name="support-memory", description="Profiles of support callers"
    )
    twilio_ci.TraitGroup(
        "contact",
        memory_store_id=store.id,
        display_name="Contact",
        description="How to reach the customer",
        traits={
            "email": {"data_type": "STRING", "description": "Primary email address", "id_type_promotion": "email"},
            "phone": {"data_type": "STRING", "description": "Primary phone number", "id_type_promotion": "phone"},
        },
    )
    twilio_ci.IdentityResolutionSettings(
        "identity",
        memory_store_id=store.id,
        identifier_configs=[
            {"id_type": "email", "normalization": "email"},
            {"id_type": "phone", "normalization": "phone"},
        ],
        matching_rules=["email", "phone"],
    )

    knowledge_base = twilio_ci.KnowledgeBase(
        "support-knowledge", display_name="support-knowledge", description="What support agents must know"
    )
    policy = twilio_ci.Knowledge(
        "returns-policy",
        knowledge_base_id=knowledge_base.id,
        name="Returns policy",
        description="The returns and refunds policy agents quote",
        source={"type": "Text", "content": RETURNS_POLICY},
    )

    adherence = twilio_ci.Operator(
        "script-adherence",
        display_name="Script Adherence (custom)",
        description="How well the agent followed the support script.",
        prompt="Rate from 0 to {{parameters.scale}} how well the agent followed the support script, "
        "and explain the score in one sentence. Statements about returns must agree with "
        "{{parameters.policy}}.",
        output_format="JSON",
        output_schema={
            "type": "object",
            "properties": {"score": {"type": "integer"}, "explanation": {"type": "string"}},
        },
        parameters={
            "scale": {"type": "INTEGER", "default": 5, "description": "Maximum score."},
            "policy": {
                "type": "KNOWLEDGE_BASE_AND_SOURCE_IDS",
                "required": True,
                "description": "The returns policy (knowledge_base_id:knowledge_source_id).",
            },
        },
        context={"memory": {"enabled": True}, "knowledge": {"enabled": True}},
        training_examples=[
            {
                "input": "Agent: Thanks for calling, how can I help?",
                "output": '{"score": 5, "explanation": "Greeted per script."}',
            }
        ],
    )
    sentiment = twilio_ci.get_operator(display_name="Sentiment Analysis", author="TWILIO")

    intelligence = twilio_ci.IntelligenceConfiguration(
        "support-intelligence",
        display_name="support-intelligence",
        description="Script adherence and sentiment on every third communication",
        rules=[
            {
                "operators": [
                    {
                        "id": adherence.id,
                        "version": adherence.version,
                        "parameters": {
                            "scale": 5,
                            "policy": pulumi.Output.concat(policy.knowledge_base_id, ":", policy.knowledge_id),
                        },
                    },
                    {"id": sentiment.id},
                ],
                "triggers": [{"on": "COMMUNICATION", "parameters": {"count": 3}}],
                "actions": [{"type": "WEBHOOK", "method": "POST", "url": webhook_url}],
                "context": {"memory": {"enabled": True}, "knowledge": {"bases": [knowledge_base.id]}},
            }
        ],
    )

    conversations = twilio_ci.ConversationConfiguration(
        "support",
        display_name="Support",
        description="Voice support line",
        conversation_grouping_type="GROUP_BY_PROFILE",
        memory_store_id=store.id,
        channel_settings={
            "VOICE": {
                "capture_rules": [{"from": "*", "to": support_number}],
                "status_timeouts": {"inactive": 30, "closed": 1440},
            }
        },
        intelligence_configuration_ids=[intelligence.id],
    )

    pulumi.export("memory_store_id", store.id)
    pulumi.export("knowledge_base_id", knowledge_base.id)
    pulumi.export("knowledge_id", policy.knowledge_id)
    pulumi.export("operator_id", adherence.id)
    pulumi.export("operator_version", adherence.version)
    pulumi.export("intelligence_configuration_id", intelligence.id)
    pulumi.export("conversation_configuration_id", conversations.id)


if __name__ == "__main__":
    program()
