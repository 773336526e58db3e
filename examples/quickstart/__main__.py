"""Quickstart: a custom Language Operator, an Intelligence Configuration that runs it (pinned to its
version) together with Twilio's Sentiment Analysis operator, and a Conversation Configuration that
attaches the Intelligence Configuration to a voice line.

Stack config (all optional): ``webhookUrl`` (where results are posted), ``memoryStoreId`` (your
Memory Store; the emulator accepts the default) and ``supportNumber``.
"""

import pulumi

import pulumi_twilio_intelligence as twilio_ci

DEFAULT_MEMORY_STORE_ID = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"


def program() -> None:
    """Declare the quickstart's resources and outputs."""
    config = pulumi.Config()
    webhook_url = config.get("webhookUrl") or "https://example.com/intelligence/results"
    memory_store_id = config.get("memoryStoreId") or DEFAULT_MEMORY_STORE_ID
    support_number = config.get("supportNumber") or "+18888888888"

    adherence = twilio_ci.Operator(
        "script-adherence",
        display_name="Script Adherence (custom)",
        description="How well the agent followed the support script.",
        prompt="Rate from 0 to {{parameters.scale}} how well the agent followed the support script, "
        "and explain the score in one sentence.",
        output_format="JSON",
        output_schema={
            "type": "object",
            "properties": {"score": {"type": "integer"}, "explanation": {"type": "string"}},
        },
        parameters={"scale": {"type": "INTEGER", "default": 5, "description": "Maximum score."}},
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
                    {"id": adherence.id, "version": adherence.version, "parameters": {"scale": 5}},
                    {"id": sentiment.id},
                ],
                "triggers": [{"on": "COMMUNICATION", "parameters": {"count": 3}}],
                "actions": [{"type": "WEBHOOK", "method": "POST", "url": webhook_url}],
            }
        ],
    )

    conversations = twilio_ci.ConversationConfiguration(
        "support",
        display_name="Support",
        description="Voice support line",
        conversation_grouping_type="GROUP_BY_PROFILE",
        memory_store_id=memory_store_id,
        channel_settings={
            "VOICE": {
                "capture_rules": [{"from": "*", "to": support_number}],
                "status_timeouts": {"inactive": 30, "closed": 1440},
            }
        },
        intelligence_configuration_ids=[intelligence.id],
    )

    pulumi.export("operator_id", adherence.id)
    pulumi.export("operator_version", adherence.version)
    pulumi.export("intelligence_configuration_id", intelligence.id)
    pulumi.export("conversation_configuration_id", conversations.id)


if __name__ == "__main__":
    program()
