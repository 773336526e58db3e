"""The public surface, like Pulumi's own SDKs: documented inputs and outputs generated from the wire
models, ``...ArgsDict`` TypedDicts, ``...Args`` input types, ``_output`` lookups, and the drift checks
that keep every field declared once (in the wire models)."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import pydoc
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pydantic import Field, create_model

import pulumi_twilio_intelligence as package
from pulumi_twilio_intelligence import resources
from pulumi_twilio_intelligence.models import LanguageOperator, OperatorRequest, Trigger, TriggerParameters, WireModel
from pulumi_twilio_intelligence.resources._resource import TwilioResource
from pulumi_twilio_intelligence.resources._surface import (
    nested_models,
    output_doc,
    resource_drift,
    typed_dict_drift,
    user_inputs,
)
from pulumi_twilio_intelligence.resources.args import ARGS_MODELS, TriggerArgsDict
from pulumi_twilio_intelligence.resources.operator import OPERATOR
from pulumi_twilio_intelligence.testing import InProcessEmulator

from .conftest import Ids

#: Every resource class the package exports (new resources are covered without editing this test).
RESOURCES = [
    obj
    for name in resources.__all__
    if isinstance(obj := getattr(resources, name), type) and issubclass(obj, TwilioResource)
]


def test_the_package_exports_resources() -> None:
    assert {r.__name__ for r in RESOURCES} >= {"Operator", "IntelligenceConfiguration", "ConversationConfiguration"}


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.__name__)
def test_a_resources_init_args_and_outputs_match_its_models(resource: type[TwilioResource]) -> None:
    assert resource_drift(resource) == []


@pytest.mark.parametrize("typed_dict, model", ARGS_MODELS, ids=lambda x: getattr(x, "__name__", ""))
def test_every_args_dict_matches_its_model(typed_dict: type, model: type[WireModel]) -> None:
    assert typed_dict_drift(typed_dict, model) == []


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.__name__)
def test_every_nested_input_model_has_an_args_dict(resource: type[TwilioResource]) -> None:
    covered = {model for _, model in ARGS_MODELS}
    missing = [m.__name__ for m in nested_models(resource._provider_class.SPEC.create_model) if m not in covered]
    assert missing == []


# -- the drift checks fail when a model changes alone -------------------------------------------------


class OperatorRequestWithTone(OperatorRequest):
    """A model that gained a field the resource does not declare."""

    tone: str | None = Field(None, description="The tone of the results.")


class OperatorRequestWithRequiredContext(OperatorRequest):
    """A model in which an optional field became required."""

    description: str = Field(description="What the operator does.")


def test_a_field_added_to_the_model_only_is_reported() -> None:
    spec = dataclasses.replace(OPERATOR, create_model=OperatorRequestWithTone)
    problems = resource_drift(resources.Operator, spec)
    assert "Operator.__init__: no input 'tone'" in problems
    assert "OperatorArgs: no input 'tone'" in problems
    assert "Operator: no output annotation 'tone'" in problems


def test_a_field_removed_from_the_model_is_reported() -> None:
    fields: dict[str, Any] = {n: (f.annotation, f) for n, f in OperatorRequest.model_fields.items() if n != "context"}
    narrow = create_model("NarrowOperatorRequest", __base__=WireModel, **fields)
    problems = resource_drift(resources.Operator, dataclasses.replace(OPERATOR, create_model=narrow))
    assert "Operator.__init__: input 'context' is no field of the model" in problems
    assert "OperatorArgs: input 'context' is no field of the model" in problems


def test_a_different_required_ness_is_reported() -> None:
    spec = dataclasses.replace(OPERATOR, create_model=OperatorRequestWithRequiredContext)
    problems = resource_drift(resources.Operator, spec)
    assert "Operator.__init__: input 'description' is optional" in problems
    assert "OperatorArgs: input 'description' is optional" in problems


def test_a_server_field_added_to_the_response_model_only_is_reported() -> None:
    class Answer(LanguageOperator):
        date_created: str = Field(description="When the operator was created.")

    problems = resource_drift(resources.Operator, dataclasses.replace(OPERATOR, response_model=Answer))
    assert "Operator: 'date_created' of Answer is no output" in problems


def test_an_args_dict_drifting_from_its_model_is_reported() -> None:
    class DelayedTrigger(Trigger):
        delay: int | None = Field(None, description="Seconds to wait.")

    class StrictTrigger(Trigger):
        parameters: TriggerParameters = Field(description="The trigger's parameters.")

    assert typed_dict_drift(TriggerArgsDict, DelayedTrigger) == [
        "TriggerArgsDict: no key 'delay' (DelayedTrigger has it)"
    ]
    assert typed_dict_drift(TriggerArgsDict, StrictTrigger) == [
        "TriggerArgsDict: key 'parameters' is optional, StrictTrigger says required"
    ]


# -- what a user sees -------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.__name__)
def test_help_documents_every_input_and_output(resource: type[TwilioResource]) -> None:
    spec = resource._provider_class.SPEC
    page = pydoc.render_doc(resource, renderer=pydoc.plaintext)
    for name in user_inputs(spec):
        line = next((ln for ln in page.splitlines() if f" {name}: " in ln and ":param " in ln), None)
        assert line is not None, f"help({resource.__name__}) does not document the input {name}"
        assert len(line.split(f" {name}: ", 1)[1]) > 10, line
    for name in spec.output_fields:
        prop = inspect.getattr_static(resource, name)
        assert isinstance(prop, property), name
        assert output_doc(spec, name) in (prop.__doc__ or ""), name
        assert "pulumi.Output[" in (prop.__doc__ or ""), name
        assert f"\n |  {name}\n |      pulumi.Output[" in page, name


def test_the_docs_give_units_and_constraints_from_the_models() -> None:
    init = inspect.getdoc(resources.ConversationConfiguration.__init__) or ""
    assert ":param pulumi.Input[str] display_name: (required)" in init
    assert "At most 32 characters; matches ``^[a-zA-Z0-9-_ ]+$``." in init
    assert "One of ``GROUP_BY_PROFILE``" in init
    assert "Twilio's default: false" in init
    rules = inspect.getdoc(resources.RuleArgsDict) or ""
    assert ":key pulumi.Input[list[pulumi.Input[RuleOperatorArgsDict]]] operators: (required)" in rules
    assert "1-5 items" in rules
    count = inspect.getdoc(resources.TriggerParametersArgsDict) or ""
    assert "communications (a count). 1-20; Twilio's default: 1." in count
    timeouts = inspect.getdoc(resources.StatusTimeoutsArgsDict) or ""
    assert "Minutes without a communication before a conversation becomes inactive. At least 1." in timeouts


def test_the_earlier_args_names_are_the_typed_dicts() -> None:
    for typed_dict, _model in ARGS_MODELS:
        alias = typed_dict.__name__.removesuffix("Dict")
        assert getattr(resources, alias) is typed_dict
        assert alias in package.__all__ and typed_dict.__name__ in package.__all__


def test_providers_are_no_public_names_but_stay_importable() -> None:
    assert not [name for name in package.__all__ if name.endswith("Provider")]
    assert not hasattr(package, "OperatorProvider")
    assert resources.OperatorProvider.__module__ == "pulumi_twilio_intelligence.resources.operator"


def test_every_lookup_has_its_output_form() -> None:
    lookups = [n for n in resources.__all__ if n.startswith("get_") and not n.endswith("_output")]
    assert lookups
    for name in lookups:
        assert f"{name}_output" in resources.__all__, name
        plain = inspect.signature(getattr(resources, name)).parameters
        assert list(inspect.signature(getattr(resources, f"{name}_output")).parameters) == list(plain), name


# -- with Pulumi's runtime (mocks: the engine-level check is in tests/integration) ----------------------


class Mocks(pulumi.runtime.Mocks):
    """Resources echo their inputs and get a version; calls are not used."""

    def __init__(self) -> None:
        self.created: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.created.append(args)
        props = {k: v for k, v in args.inputs.items() if k != "__provider"}
        return f"{args.name}-id", {**props, "version": 1, "author": "SELF"}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def mocks() -> Iterator[Mocks]:
    """Pulumi's mock runtime, on an event loop of its own (an earlier test may have left none)."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, project="surface", stack="test", preview=False)
    try:
        yield mocks
    finally:
        # later tests get a fresh current loop, as if none had been set (Pulumi's SDK asks for one)
        asyncio.set_event_loop(asyncio.new_event_loop())
        loop.close()


OPERATOR_INPUTS: dict[str, Any] = {"display_name": "Adherence", "prompt": "Rate it", "output_format": "TEXT"}


@pulumi.runtime.test
def test_outputs_resolve_through_the_properties(mocks: Mocks) -> Any:
    operator = resources.Operator("adherence", **OPERATOR_INPUTS)

    def check(values: list[Any]) -> None:
        assert values == ["Adherence", 1, "SELF", "adherence-id"]

    return pulumi.Output.all(operator.display_name, operator.version, operator.author, operator.id).apply(check)


@pulumi.runtime.test
def test_the_args_form_sends_the_same_inputs(mocks: Mocks) -> Any:
    via_keywords = resources.Operator("by-keywords", **OPERATOR_INPUTS)
    via_args = resources.Operator("by-args", resources.OperatorArgs(**OPERATOR_INPUTS), pulumi.ResourceOptions())

    def check(_: Any) -> None:
        sent = {m.name: {k: v for k, v in m.inputs.items() if k not in ("__provider", "__name")} for m in mocks.created}
        assert sent["by-keywords"] == sent["by-args"] and sent["by-args"]["display_name"] == "Adherence"

    # both registered: the mocks record each resource when the engine would create it, in no set order
    return pulumi.Output.all(via_keywords.id, via_args.id).apply(check)


def test_required_inputs_and_unknown_keywords_are_refused_at_once(mocks: Mocks) -> None:
    with pytest.raises(TypeError, match="Missing required property 'prompt'"):
        resources.Operator("x", display_name="a", output_format="TEXT")
    with pytest.raises(TypeError, match="unexpected keyword argument 'promt'"):
        resources.Operator("x", promt="p", **OPERATOR_INPUTS)
    with pytest.raises(TypeError, match="not both"):
        resources.Operator("x", resources.OperatorArgs(**OPERATOR_INPUTS), display_name="b")


@pulumi.runtime.test
def test_get_operator_output_takes_inputs(mocks: Mocks, twilio: InProcessEmulator, ids: Ids) -> Any:
    settings = twilio.settings()
    name = pulumi.Output.from_input("Summary")
    found = resources.get_operator_output(display_name=name, author="TWILIO", settings=settings)
    version = resources.get_operator_version_output(found.id, pulumi.Output.from_input(1), settings=settings)

    def check(values: list[Any]) -> None:
        assert values == [ids.summary, "RETIRED"]

    return pulumi.Output.all(found.id, version.status).apply(check)
