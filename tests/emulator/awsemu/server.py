"""Entry point and WSGI stack of the emulator.

``python -m awsemu.server --port PORT [--host 127.0.0.1] [--seed demo]``

``--port 0`` binds a port the OS assigns. Whatever the port, once the socket
is listening (and the ``--seed`` data is in place) the server prints exactly
one line to stdout, flushed, and nothing else there::

    awsemu listening on http://127.0.0.1:PORT

A caller reads that line for the URL instead of picking a free port first
(which races: another process may take the port between the pick and the
bind). ``spawn()`` below does this for Python callers.

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
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
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
    """Speed-only patches of moto; every answer stays byte-identical.

    - moto lists its package directory twice per request; cache the list.
      That listing is about half of moto's per-request CPU on this workload.
    - ``BaseResponse._enrich_response`` runs a look-behind regex for an XML
      ``<RequestId>`` over every body: 8 ms of the 21 ms of a 700 kB
      ListInferenceProfiles page. A body without that text cannot match, so
      moto's own function gets an empty body instead (it still casts the
      status and sets the request-ID headers) and the body passes through.
    """
    import functools

    import moto.backends as backends
    from moto.core.responses import BaseResponse

    backends.list_of_moto_modules = functools.lru_cache(maxsize=None)(
        backends.list_of_moto_modules
    )

    enrich = BaseResponse._enrich_response
    if getattr(enrich, "_awsemu", False):
        return

    def _enrich_response(headers: dict[str, str], body: Any) -> tuple[dict[str, str], Any]:
        if isinstance(body, str) and "<RequestId>" not in body:
            headers, _ = enrich(headers, "")
            return headers, body
        return enrich(headers, body)

    _enrich_response._awsemu = True  # type: ignore[attr-defined]
    BaseResponse._enrich_response = staticmethod(_enrich_response)  # type: ignore[method-assign,assignment]


def load_modules() -> list[Any]:
    return [importlib.import_module(name) for name in MODULE_NAMES]


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


READY_PREFIX = "awsemu listening on "


def ready_line(host: str, port: int) -> str:
    """The line the server prints once it is listening (without the newline)."""
    # A wildcard address is not one to connect to: name the loopback one.
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"{READY_PREFIX}http://{host}:{port}"


class Spawned:
    """An emulator process started by ``spawn()``: its ``url`` and ``proc``."""

    def __init__(self, proc: subprocess.Popen, url: str, log: Any) -> None:
        self.proc = proc
        self.url = url
        self._log = log

    def stderr(self) -> str:
        """What the server wrote to stderr so far (werkzeug's line per request)."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server (SIGTERM, then SIGKILL) and drop its log."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:  # stopped, or stuck: SIGKILL
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def spawn(
    args: Sequence[str] = (),
    *,
    env: dict[str, str] | None = None,
    stdin: Any = subprocess.DEVNULL,
    timeout: float = 60.0,
) -> Spawned:
    """Start ``python -m awsemu.server --port 0 ARGS`` and wait for its ready line.

    The server's stderr (a line per request) goes to a temporary file, never
    an undrained pipe; a RuntimeError shows it when the server exits, or says
    nothing, within ``timeout`` seconds.
    """
    child_env = dict(os.environ if env is None else env)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    child_env["PYTHONPATH"] = os.pathsep.join(p for p in (here, child_env.get("PYTHONPATH")) if p)
    child_env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "awsemu.server", "--port", "0", *args],
        env=child_env,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=log,
    )
    spawned = Spawned(proc, "", log)
    assert proc.stdout is not None
    line = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready = left > 0 and sel.select(left)
            chunk = os.read(proc.stdout.fileno(), 4096) if ready else b""
            if not chunk:
                try:  # after end of file the server is exiting: give it a moment
                    code = proc.wait(timeout=5 if ready else 0)
                except subprocess.TimeoutExpired:
                    code = None
                proc.kill()
                proc.wait()
                why = (
                    f"exited ({code}) before it was listening"
                    if code is not None
                    else f"did not say it was listening within {timeout:g} s"
                )
                err = spawned.stderr()
                spawned.stop()
                raise RuntimeError(f"the emulator {why}; its stderr:\n{err}")
            line += chunk
    text = line.decode(errors="replace").strip()
    if not text.startswith(READY_PREFIX):
        err = spawned.stderr()
        spawned.stop()
        raise RuntimeError(f"unexpected first line from the emulator: {text!r}; stderr:\n{err}")
    # Nothing more comes on stdout; keep the pipe drained all the same.
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    spawned.url = text[len(READY_PREFIX) :]
    return spawned


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="scripts/emulator", description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument(
        "-p",
        "--port",
        type=int,
        required=True,
        help="0: a port the OS assigns; the ready line on stdout says which",
    )
    parser.add_argument("--seed", choices=["demo"], help="seed an account before serving")
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit when stdin closes (a test harness that owns the pipe has ended)",
    )
    args = parser.parse_args(argv)
    if args.exit_with_stdin:
        threading.Thread(target=_exit_on_stdin_eof, daemon=True).start()

    from moto.server import MotoRequestHandler
    from werkzeug.serving import make_server

    app, _ = build_app()
    # Bind (and listen) before anything else, so that the port is ours; with
    # --port 0 this is where the OS picks it. Connections queue until served.
    server = make_server(
        args.host,
        args.port,
        app,
        threaded=True,
        request_handler=MotoRequestHandler,
    )
    # moto builds some URLs (S3 presigning, Lambda's endpoint) from MOTO_PORT.
    os.environ.setdefault("MOTO_PORT", str(server.port))
    if args.seed == "demo":
        from awsemu import demo

        demo.seed_demo()
    # SIGTERM ends the process at once, as the end of stdin does: a graceful
    # interpreter shutdown aborts (SIGABRT) while the stdin-watching daemon
    # thread holds stdin's lock, and there is no state worth flushing.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server.log_startup()  # werkzeug's banner, on stderr as before
    print(ready_line(args.host, server.port), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
