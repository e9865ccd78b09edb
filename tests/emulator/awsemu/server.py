"""Entry point and WSGI stack of the emulator.

``python -m awsemu.server --port PORT [--host 127.0.0.1] [--seed demo]``

The stack, outermost first: the control plane (``/_emu/*``, JSON), then each
module's ``wsgi`` wrapper (the CloudWatch CBOR shim, the request log), then
moto's own application. Every module in ``MODULES`` may define:

- ``install()``: patch moto; called once before the app is built;
- ``reset()``: drop the module's own state; called by ``POST /_emu/reset``
  after moto's backends are reset;
- ``wsgi(app) -> app``: wrap the application;
- ``ROUTES``: ``{(METHOD, "/_emu/path"): handler}`` where
  ``handler(body: dict | None, query: dict) -> (status: int, payload)``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import signal
import sys
import threading
from typing import Any, Callable
from urllib.parse import parse_qs

# Order matters for ``wsgi`` wrappers: each wraps the app built so far, so the
# first listed is innermost. The request log is outermost so that it sees the
# status the client sees, whatever answered (moto, the CBOR shim, a fault).
MODULE_NAMES = [
    "awsemu.clock",
    "awsemu.organizations",
    "awsemu.sts",
    "awsemu.bedrock",
    "awsemu.tagging",
    "awsemu.cloudwatch",
    "awsemu.costexplorer",
    "awsemu.budgets",
    "awsemu.anomaly",
    "awsemu.usage",
    "awsemu.pricelist",
    "awsemu.demo",
    "awsemu.fixtures",
    "awsemu.faults",
    "awsemu.requestlog",
]

# One lock serialises control-plane writes against each other; moto's own
# handlers run under werkzeug's threads as usual.
_CONTROL_LOCK = threading.Lock()


def _perf_patch() -> None:
    """moto lists its package directory twice per request; cache the list.

    That listing is about half of moto's per-request CPU on this workload.
    Set ``EMU_NO_PERF_PATCH=1`` to measure without it.
    """
    if os.environ.get("EMU_NO_PERF_PATCH") == "1":
        return
    import functools

    import moto.backends as backends

    backends.list_of_moto_modules = functools.lru_cache(maxsize=None)(
        backends.list_of_moto_modules
    )


def load_modules() -> list[Any]:
    modules = []
    for name in MODULE_NAMES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:  # a module not written yet
            if exc.name != name:
                raise
    return modules


def reset_all(modules: list[Any]) -> None:
    from moto.backends import get_backend  # noqa: F401  (imports moto's registry)
    from moto.core.base_backend import BackendDict  # noqa: F401
    from moto.moto_api import _internal

    _internal.moto_api_backend.reset()
    for module in modules:
        if hasattr(module, "reset"):
            module.reset()


class ControlPlane:
    """Serves ``/_emu/*``; everything else goes to the wrapped app."""

    def __init__(self, app: Callable, modules: list[Any]) -> None:
        self.app = app
        self.modules = modules
        self.routes: dict[tuple[str, str], Callable] = {
            ("GET", "/_emu/health"): lambda body, query: (200, {"ok": True}),
            ("POST", "/_emu/reset"): self._reset,
        }
        for module in modules:
            self.routes.update(getattr(module, "ROUTES", {}))

    def _reset(self, body: Any, query: dict) -> tuple[int, Any]:
        reset_all(self.modules)
        return 200, {"reset": True}

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_emu/"):
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        handler = self.routes.get((method, path))
        if handler is None:
            return _json(start_response, 404, {"error": f"no control route {method} {path}"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError as exc:
            return _json(start_response, 400, {"error": f"body is not JSON: {exc}"})
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        with _CONTROL_LOCK:
            try:
                status, payload = handler(body, query)
            except (KeyError, ValueError, TypeError) as exc:
                status, payload = 400, {"error": f"{type(exc).__name__}: {exc}"}
        return _json(start_response, status, payload)


def _json(start_response: Callable, status: int, payload: Any) -> list[bytes]:
    data = json.dumps(payload).encode()
    start_response(
        f"{status} {'OK' if status < 400 else 'ERROR'}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def build_app() -> tuple[Callable, list[Any]]:
    _perf_patch()
    modules = load_modules()
    for module in modules:
        if hasattr(module, "install"):
            module.install()
    from moto.server import DomainDispatcherApplication, create_backend_app

    app: Callable = DomainDispatcherApplication(create_backend_app)
    for module in modules:
        if hasattr(module, "wsgi"):
            app = module.wsgi(app)
    return ControlPlane(app, modules), modules


def _exit_on_stdin_eof() -> None:
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/emulator", description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    parser.add_argument("--seed", choices=["demo"], help="seed an account before serving")
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit when stdin closes (a test harness that owns the pipe has ended)",
    )
    args = parser.parse_args(argv)
    if args.exit_with_stdin:
        threading.Thread(target=_exit_on_stdin_eof, daemon=True).start()
    os.environ.setdefault("MOTO_PORT", str(args.port))

    from moto.server import MotoRequestHandler
    from werkzeug.serving import run_simple

    app, modules = build_app()
    if args.seed == "demo":
        from awsemu import demo

        demo.seed_demo()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    run_simple(
        args.host,
        args.port,
        app,
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
