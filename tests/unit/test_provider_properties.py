"""Property tests (hypothesis): for any valid inputs of the three resources, ``check`` passes,
``create`` succeeds, and ``diff`` of the result against the same inputs finds no change; a
``read`` (refresh) right after finds none either, against the program's inputs or its own.

Deterministic: derandomized, no example database, and every example starts from a reset emulator
(the operators and configurations it references are created again)."""

from __future__ import annotations

import string
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_twilio_intelligence.resources import (
    ConversationConfigurationProvider,
    IntelligenceConfigurationProvider,
    OperatorProvider,
)
from pulumi_twilio_intelligence.resources._known import forget_everything
from pulumi_twilio_intelligence.resources._provider import TwilioProvider
from pulumi_twilio_intelligence.testing import InProcessEmulator

from .conftest import CONFIGURATIONS, MEMORY_STORE_ID, Factory, Ids, create_ids, to_engine

EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# numbers cross the engine as doubles: integers beyond 2**53 cannot round-trip anywhere
SAFE_INT = 2**53

text = st.text(st.characters(codec="utf-8", exclude_characters="{}"), max_size=40)
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
urls = st.builds(
    "https://{}.example.com/{}".format,
    st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9._~/-]{0,20}", fullmatch=True),
)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def without_none(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict strategy whose ``None`` values are dropped (a field not set)."""
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


# -- Operator ----------------------------------------------------------------------------------

DEFAULTS: dict[str, st.SearchStrategy[Any]] = {
    "STRING": text,
    "INTEGER": st.integers(-SAFE_INT, SAFE_INT),
    "NUMBER": st.floats(allow_nan=False, allow_infinity=False, width=64) | st.integers(-SAFE_INT, SAFE_INT),
    "BOOLEAN": st.booleans(),
}


@st.composite
def parameter(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from([*DEFAULTS, "KNOWLEDGE_BASE_AND_SOURCE_IDS"]))
    default = None if kind not in DEFAULTS else draw(optional(DEFAULTS[kind]))
    return draw(without_none(type=st.just(kind), default=st.just(default), required=optional(st.booleans()),
                             description=optional(text)))  # fmt: skip


def json_schema(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    leaves = st.one_of(
        st.sampled_from([{"type": "string"}, {"type": "number"}, {"type": "integer"}, {"type": "boolean"}]),
        st.lists(st.text(string.ascii_letters, min_size=1, max_size=5), min_size=1, max_size=5, unique=True).map(
            lambda values: {"type": "string", "enum": values}
        ),
        without_none(type=st.just("integer"), minimum=optional(st.integers(-100, 0)), description=optional(text)),
    )
    if depth == 0:
        return leaves
    child = json_schema(depth - 1)
    return st.one_of(
        leaves,
        st.builds(lambda items: {"type": "array", "items": items}, child),
        st.builds(lambda options: {"anyOf": options}, st.lists(leaves, min_size=2, max_size=3)),
        st.builds(
            lambda props: {"type": "object", "properties": props},
            st.dictionaries(names, child, min_size=1, max_size=4),
        ),
    )


output_schemas = st.builds(
    lambda props: {"type": "object", "properties": props}, st.dictionaries(names, json_schema(2), max_size=5)
)
toggles = without_none(enabled=optional(st.booleans()))


@st.composite
def operator_inputs(draw: st.DrawFn) -> dict[str, Any]:
    params = draw(st.dictionaries(names, parameter(), max_size=4))
    used = draw(st.lists(st.sampled_from(sorted(params)), max_size=4)) if params else []
    prompt = draw(text) + "".join(f" {{{{parameters.{name}}}}}" for name in used)
    output_format = draw(st.sampled_from(["TEXT", "JSON", "CLASSIFICATION"]))
    examples = st.lists(st.fixed_dictionaries({"input": text, "output": text}), max_size=2)
    return draw(
        without_none(
            display_name=st.text(st.characters(codec="utf-8"), min_size=1, max_size=128),
            description=optional(text),
            prompt=st.just(prompt),
            output_format=st.just(output_format),
            output_schema=output_schemas if output_format == "JSON" else st.none(),
            training_examples=optional(examples) if output_format != "JSON" else st.none(),
            context=optional(without_none(memory=optional(toggles), knowledge=optional(toggles))),
            parameters=st.just(params) if used else optional(st.just(params)),
        )
    )


# -- Intelligence Configuration ----------------------------------------------------------------


def rule_operator(ids: Ids) -> st.SearchStrategy[dict[str, Any]]:
    custom = without_none(
        id=st.just(ids.custom),
        version=optional(st.just(1)),
        parameters=without_none(tone=text, scale=optional(st.integers(1, 100))),
    )
    twilio = without_none(id=st.just(ids.sentiment), version=optional(st.just(2)))  # 2 is ACTIVE, 1 DEPRECATED
    plain = without_none(id=st.just(ids.next_best), version=optional(st.just(1)), parameters=optional(st.just({})))
    return custom | twilio | plain


def rule(ids: Ids) -> st.SearchStrategy[dict[str, Any]]:
    trigger = without_none(
        on=st.sampled_from(["COMMUNICATION", "CONVERSATION_END", "CONVERSATION_INACTIVE"]),
        parameters=optional(without_none(count=optional(st.integers(1, 20)))),
    )
    action = st.fixed_dictionaries({"type": st.just("WEBHOOK"), "method": st.just("POST"), "url": urls})
    context = without_none(
        memory=optional(toggles),
        knowledge=optional(st.fixed_dictionaries({"bases": st.lists(names, min_size=1, max_size=3)})),
    )
    return without_none(
        operators=st.lists(rule_operator(ids), min_size=1, max_size=5),
        triggers=optional(st.lists(trigger, max_size=1)),
        actions=st.lists(action, max_size=2),
        context=optional(context),
    )


def intelligence_inputs(ids: Ids) -> st.SearchStrategy[dict[str, Any]]:
    return without_none(
        display_name=st.text(st.characters(codec="utf-8"), min_size=1, max_size=128),
        description=optional(text),
        rules=st.lists(rule(ids), max_size=5),
    )


# -- Conversation Configuration ----------------------------------------------------------------


def conversation_inputs(intelligence_ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    capture = without_none(
        **{"from": st.sampled_from(["*", "+18005550100", "whatsapp:+18005550100"])},
        to=st.sampled_from(["*", "+18888888888"]),
        metadata=optional(st.dictionaries(names, text, max_size=2)),
    )
    channel = without_none(
        status_timeouts=optional(without_none(inactive=optional(st.integers(1, 10_000)),
                                              closed=optional(st.integers(1, 10_000)))),
        capture_rules=optional(st.lists(capture, max_size=3)),
    )  # fmt: skip
    return without_none(
        display_name=st.from_regex(r"[a-zA-Z0-9_ -]{1,32}", fullmatch=True),
        description=st.text(st.characters(codec="utf-8"), max_size=512),
        conversation_grouping_type=st.sampled_from(
            ["GROUP_BY_PROFILE", "GROUP_BY_PARTICIPANT_ADDRESSES", "GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE"]
        ),
        memory_store_id=st.just(MEMORY_STORE_ID),
        channel_settings=optional(
            st.dictionaries(st.sampled_from(["VOICE", "SMS", "RCS", "WHATSAPP", "CHAT"]), channel, max_size=3)
        ),
        status_callbacks=optional(
            st.lists(without_none(url=urls, method=optional(st.sampled_from(["POST", "GET"]))), max_size=2)
        ),
        intelligence_configuration_ids=optional(st.lists(st.sampled_from(intelligence_ids), max_size=2, unique=True)),
        memory_extraction_enabled=optional(st.booleans()),
        conversations_v1_bridge=optional(
            st.builds(lambda sid: {"service_id": "IS" + sid}, st.from_regex(r"[0-9a-f]{32}", fullmatch=True))
        ),
    )


# -- the property --------------------------------------------------------------------------------


def assert_no_change_after_create(provider: TwilioProvider, inputs: dict[str, Any]) -> None:
    """check passes; create; diff, read and diff again find no change; delete."""
    news = to_engine({**inputs, "__name": "test/dev/resource/generated", "__provider": "pickled-v1"}, reorder=False)
    check = provider.check({}, news)
    assert check.failures == [], [(f.property, f.reason) for f in check.failures]
    created = provider.create(news)
    state = to_engine({**created.outs, "__provider": "pickled-v2"})  # maps in another key order
    try:
        for desired in (news, to_engine(news)):
            assert provider.diff(created.id, state, desired).changes is False, provider.SPEC.changed_fields(
                state, desired
            )
        read = provider.read(created.id, state)
        assert read.inputs is None  # no drift: the engine keeps the inputs as written
        refreshed = to_engine({**read.outs, "__provider": "pickled-v2"})
        assert provider.diff(created.id, refreshed, news).changes is False
    finally:
        provider.delete(created.id, state)


def fresh_ids(twilio: InProcessEmulator, api: httpx.Client) -> Ids:
    """Reset the emulator (no object, Operation or Idempotency-Key of an earlier example), then
    create the custom operator and look up Twilio's again."""
    twilio.reset()
    forget_everything()  # as a new provider process would
    return create_ids(twilio, api)


def fresh_intelligence_ids(twilio: InProcessEmulator, api: httpx.Client) -> list[str]:
    """Reset the emulator and create two Intelligence Configurations a Conversation Configuration may attach."""
    twilio.reset()
    forget_everything()  # as a new provider process would
    created = []
    for name in ("first", "second"):
        response = api.post(CONFIGURATIONS, json={"displayName": name, "rules": []})
        created.append(response.raise_for_status().json()["id"])
    return created


@EXAMPLES
@given(data=st.data())
def test_operator_create_then_diff_is_empty(
    make_provider: Factory, twilio: InProcessEmulator, data: st.DataObject
) -> None:
    twilio.reset()
    assert_no_change_after_create(make_provider(OperatorProvider), data.draw(operator_inputs()))


@EXAMPLES
@given(data=st.data())
def test_intelligence_configuration_create_then_diff_is_empty(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client, data: st.DataObject
) -> None:
    ids = fresh_ids(twilio, api)
    provider = make_provider(IntelligenceConfigurationProvider)
    assert_no_change_after_create(provider, data.draw(intelligence_inputs(ids)))


@EXAMPLES
@given(data=st.data())
def test_conversation_configuration_create_then_diff_is_empty(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client, data: st.DataObject
) -> None:
    intelligence_ids = fresh_intelligence_ids(twilio, api)
    provider = make_provider(ConversationConfigurationProvider)
    assert_no_change_after_create(provider, data.draw(conversation_inputs(intelligence_ids)))
