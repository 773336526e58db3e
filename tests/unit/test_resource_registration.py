"""Registering many dynamic resources in one process: Pulumi's SDK nests a pickler wrapper once per
registration (pulumi/pulumi#17803); the resources undo it before each, so depth never grows."""

from __future__ import annotations

import pickle
import sys

import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_twilio_intelligence.resources import OperatorProvider
from pulumi_twilio_intelligence.resources._resource import unwrap_pickler


def test_the_sdk_nests_its_wrapper_once_per_provider_serialized() -> None:
    unwrap_pickler()
    original = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    for _ in range(3):
        serialize_provider(OperatorProvider())
    wrapper = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    depth = 0
    while wrapper is not original:
        names = wrapper.__code__.co_freevars
        wrapper = wrapper.__closure__[names.index("unsorted_batch_setitems")].cell_contents
        depth += 1
    assert depth == 3  # the SDK's behaviour this works around (if it changes, the fix is a no-op)
    unwrap_pickler()
    assert pickle._Pickler._batch_setitems is original  # type: ignore[attr-defined]


def test_more_providers_than_the_recursion_limit_serialize_to_the_same_bytes() -> None:
    unwrap_pickler()
    first = serialize_provider(OperatorProvider())
    for _ in range(sys.getrecursionlimit() + 100):
        unwrap_pickler()
        assert serialize_provider(OperatorProvider()) == first


def test_without_it_the_sdk_runs_out_of_stack() -> None:
    unwrap_pickler()
    with pytest.raises(RecursionError):
        for _ in range(sys.getrecursionlimit() + 100):
            serialize_provider(OperatorProvider())
    unwrap_pickler()
