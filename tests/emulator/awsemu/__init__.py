"""A local AWS world for aipctl's tests, demo and benchmarks.

moto 5.2.5 provides the base services; the modules of this package add what
moto lacks or gets wrong for aipctl (see each module's docstring). Nothing here
forks moto: modules patch moto classes at import time (``install()``), wrap the
WSGI application (``wsgi(app)``) or serve control routes under ``/_emu/``.

moto internals touched (pinned in requirements.lock; re-run the emulator's own
test suite on any bump): ``BaseResponse.call_action``, ``BedrockBackend``
(``__init__``, ``_list_arns``, ``tagger``), ``BedrockResponse``,
``CloudWatchBackend``/``CloudWatchResponse``, ``CostExplorerBackend``/
``CostExplorerResponse``, ``OrganizationsResponse`` / ``organizations_backends``
(and the ID makers of ``moto.organizations.utils`` while building an
organization), ``TokenResponse.assume_role`` and ``moto.backends.list_of_moto_modules``.
"""
