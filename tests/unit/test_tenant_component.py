"""TenantIntelligence refuses bad arguments before it registers anything (the real engine runs the
component in tests/integration/test_fleet.py and with every example)."""

from __future__ import annotations

import pytest

from pulumi_twilio_intelligence import TenantIntelligence


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"tenant": ""}, "tenant: '' must be 1-20 letters"),
        ({"tenant": "A" * 21}, "must be 1-20 letters"),
        ({"tenant": "Acme/EU"}, "must be 1-20 letters"),
        ({"support_number": "555-0100"}, "support_number: '555-0100' must be an E.164 number"),
        ({"memory_store_id": None}, "memory_store_id: required"),
    ],
)
def test_bad_arguments_name_the_argument_and_the_rule(arguments: dict[str, object], message: str) -> None:
    given: dict[str, object] = {
        "tenant": "Acme",
        "webhook_url": "https://example.com/hook",
        "memory_store_id": "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7",
        "support_number": "+18005550100",
        **arguments,
    }
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("+", r"\+")):
        TenantIntelligence("t", **given)  # type: ignore[arg-type]
