"""Manage Twilio Conversation Intelligence and Conversation Orchestrator set-up with Pulumi.

Resources: :class:`Operator` and :class:`IntelligenceConfiguration` (Intelligence API v3) and
:class:`ConversationConfiguration` (Conversations API v2); lookups :func:`get_operator` and
:func:`get_operator_version`; the component :class:`TenantIntelligence` (one ISV tenant's set-up).
The fleet runner (one stack per tenant, locally or on Celery workers) is
:mod:`pulumi_twilio_intelligence.fleet`. Credentials and endpoints: see :mod:`pulumi_twilio_intelligence.config`.
"""

from ._version import __version__
from .components import TenantIntelligence
from .errors import (
    ConfigurationError,
    ObjectGoneError,
    OperationCancelledError,
    OperationFailedError,
    OperationTimeoutError,
    TwilioApiError,
    TwilioConnectionError,
    TwilioError,
    UnexpectedResponseError,
)
from .resources import *  # noqa: F403
from .resources import __all__ as _resources

__all__ = [
    "ConfigurationError",
    "ObjectGoneError",
    "OperationCancelledError",
    "OperationFailedError",
    "OperationTimeoutError",
    "TenantIntelligence",
    "TwilioApiError",
    "TwilioConnectionError",
    "TwilioError",
    "UnexpectedResponseError",
    "__version__",
    *_resources,
]
