"""Composition example, the "infra" stack: what another team owns, exported for other stacks.

Here the platform team's webhook (the endpoint that receives Conversation Intelligence results) and the
support line's phone numbers are stack config; in a real set-up they are outputs of that team's own
resources, e.g. an AWS Lambda function URL (see the README's "Compose with other stacks"). Other
stacks read the exports through a ``pulumi.StackReference``; this stack makes no Twilio object.

Stack config (optional): ``webhookUrl`` (an absolute https URL) and ``supportNumbers`` (a JSON list of
E.164 numbers, at most 10)::

    pulumi config set webhookUrl https://hooks.example.com/v2/intelligence
    pulumi config set --path 'supportNumbers[0]' +18005550100
"""

import pulumi

DEFAULT_WEBHOOK_URL = "https://hooks.example.com/twilio/intelligence"
DEFAULT_SUPPORT_NUMBERS = ["+18005550100", "+18005550101"]
MAX_SUPPORT_NUMBERS = 10

config = pulumi.Config()
webhook_url = config.get("webhookUrl") or DEFAULT_WEBHOOK_URL
support_numbers = config.get_object("supportNumbers") or DEFAULT_SUPPORT_NUMBERS
if not isinstance(support_numbers, list) or not 1 <= len(support_numbers) <= MAX_SUPPORT_NUMBERS:
    raise ValueError(f"supportNumbers: must be a list of 1 to {MAX_SUPPORT_NUMBERS} phone numbers")

pulumi.export("webhook_url", webhook_url)
pulumi.export("support_numbers", support_numbers)
