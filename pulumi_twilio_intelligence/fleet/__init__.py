"""The fleet runner: one stack per ISV tenant, kept in step through the Automation API, locally or on
Celery workers. See ``twilio-intelligence-fleet --help`` and the README's "Running a fleet".

Modules: :mod:`.file` (the fleet file), :mod:`.subaccounts` (Twilio's 2010 Accounts API),
:mod:`.stacks` (one tenant's run), :mod:`.runner` (scheduling, :class:`Fleet`), :mod:`.celery`
(the Celery app and executor), :mod:`.display` and :mod:`.cli` (the command line).
"""

from .file import FleetFile, FleetFileError, Tenant, load_fleet_file, parse_fleet_file
from .results import TenantResult
from .runner import Executor, Fleet, FleetReport, LocalExecutor
from .stacks import FleetContext, FleetCredentialError, run_tenant
from .subaccounts import SubaccountCredentials, Subaccounts

__all__ = [
    "Executor",
    "Fleet",
    "FleetContext",
    "FleetCredentialError",
    "FleetFile",
    "FleetFileError",
    "FleetReport",
    "LocalExecutor",
    "SubaccountCredentials",
    "Subaccounts",
    "Tenant",
    "TenantResult",
    "load_fleet_file",
    "parse_fleet_file",
    "run_tenant",
]
