#!/usr/bin/python3
"""Real Python log output for log-watch's tests: each scenario RUNS code and writes what the logging
library printed to test/fixtures/python-logs/<scenario>.log.

Needs Debian's /usr/bin/python3 (3.11) with python3-structlog, python3-pythonjsonlogger, python3-uvicorn
and python3-starlette (apt-get install -y ...). Rerun from the repository root:

    /usr/bin/python3 tools/python-logs/generate.py

The "application" is source compiled with the file names a real deployment has (/app/metis/gateway/...,
a virtualenv's site-packages, C:\\app\\... on Windows): Python itself then prints those paths in its
frames, exactly as it would in that deployment. The clock of the log records is fixed (2026-11-20
12:00:00 UTC, a quarter second per record) so the committed output only changes when Python does;
Scenarios that start their own clock at 12:00:00 (the prompt-exposure and trace-DB ones) do the same. What
else varies between runs is replaced as it is written (normalise()): object addresses (`at 0x7f...`, numbered
in order of appearance), uvicorn's process id (1, as in a container) and its ports (8000 for the server, as
uvicorn's default, 50000 for the client). So a run prints the same bytes every time and rewrites a committed
fixture only when Python or a library changes what it prints.

Name scenarios to regenerate only those (`generate.py prompt-upstream-error sqlite-disk-full`). Customer
text in logs goes to prompt-exposure/, the trace DB's own errors to trace-db/.

pydantic: Debian's python3-pydantic is 1.10, whose ValidationError has no `input_value`; the pydantic
v2 scenario runs its code under a Python that has pydantic 2 (PYDANTIC_V2_PYTHON, by default pyenv's
python3) and logs the real v2 message.
"""

import asyncio
import dataclasses
import io
import json
import linecache
import logging
import os
import re
import socket
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import types
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, '..', '..', 'test', 'fixtures', 'python-logs'))
BASE = 1_795_176_000.0  # 2026-11-20T12:00:00Z

# ---------------------------------------------------------------------------------------------------------
# Plumbing: modules with deployment file names, a fixed clock, one captured stream per scenario.


def load_module(name: str, filename: str, source: str) -> types.ModuleType:
    """Compile `source` as if it lived at `filename` (linecache knows its lines, so tracebacks show them)."""
    source = textwrap.dedent(source).lstrip('\n')
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    parts = name.split('.')
    for i in range(1, len(parts)):
        package = '.'.join(parts[:i])
        if package not in sys.modules:
            sys.modules[package] = types.ModuleType(package)
            sys.modules[package].__path__ = []
    module = types.ModuleType(name)
    module.__file__ = filename
    sys.modules[name] = module
    if len(parts) > 1:
        setattr(sys.modules['.'.join(parts[:-1])], parts[-1], module)
    exec(compile(source, filename, 'exec'), module.__dict__)
    return module


_tick = [0]
_default_factory = logging.getLogRecordFactory()


def _fixed_clock_record(*args, **kwargs):
    record = _default_factory(*args, **kwargs)
    record.created = BASE + _tick[0] * 0.25
    record.msecs = (record.created - int(record.created)) * 1000
    _tick[0] += 1
    return record


logging.setLogRecordFactory(_fixed_clock_record)


def fixed_now() -> str:
    """structlog's timestamp on the same fixed clock."""
    created = BASE + _tick[0] * 0.25
    _tick[0] += 1
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(created)) + f'.{int(created * 1000) % 1000:03d}Z'


def captured_logger(formatter: logging.Formatter, name: str) -> tuple[logging.Logger, io.StringIO]:
    """A logger writing into a buffer through `formatter` (what a container's stderr would hold)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter)
    logger = logging.getLogger(name)
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    return logger, buffer


def stdlib_formatter(fmt: str = '%(asctime)s %(levelname)s [%(name)s] %(message)s') -> logging.Formatter:
    formatter = logging.Formatter(fmt)
    formatter.converter = time.gmtime
    return formatter


# What a run prints that differs on every run, and the fixed text it is replaced with.
UVICORN_PID = re.compile(r'(Started|Finished) server process \[\d+\]')
UVICORN_SERVER_PORT = re.compile(r'Uvicorn running on http://127\.0\.0\.1:\d+')
UVICORN_CLIENT_PORT = re.compile(r'^(INFO: +127\.0\.0\.1):\d+ - ', re.MULTILINE)
OBJECT_ADDRESS = re.compile(r'\b0x[0-9a-f]{6,16}\b')


def normalise(text: str) -> str:
    """The run-specific values replaced by fixed ones; distinct addresses stay distinct (numbered as they appear)."""
    text = UVICORN_PID.sub(lambda m: f'{m.group(1)} server process [1]', text)
    text = UVICORN_SERVER_PORT.sub('Uvicorn running on http://127.0.0.1:8000', text)
    text = UVICORN_CLIENT_PORT.sub(lambda m: f'{m.group(1)}:50000 - ', text)
    addresses: dict[str, str] = {}
    return OBJECT_ADDRESS.sub(lambda m: addresses.setdefault(m.group(0), f'0x7f00000{len(addresses) + 1:05x}'), text)


def write(scenario: str, text: str) -> None:
    text = normalise(text)
    path = os.path.join(OUT, f'{scenario}.log')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text if text.endswith('\n') else text + '\n')
    print(f'wrote {os.path.relpath(path)} ({text.count(chr(10)) + 1} lines)')


# ---------------------------------------------------------------------------------------------------------
# The application: a few gateway modules at the paths a container image has.

errors = load_module(
    'metis.gateway.errors',
    '/app/metis/gateway/errors.py',
    '''
    class GatewayError(Exception):
        """Base class of the gateway's errors."""

    class UnknownKey(GatewayError):
        pass

    class UpstreamError(GatewayError):
        pass
    ''',
)

db = load_module(
    'metis.gateway.db',
    '/app/metis/gateway/db.py',
    '''
    import sqlite3

    INSERT_EVENT = "INSERT INTO events (type, timestamp, payload) VALUES (?, ?, ?)"

    class Store:
        def __init__(self):
            self.conn = sqlite3.connect(":memory:")

        def insert_event(self, event):
            # The table was never migrated: sqlite3.OperationalError, raised by the C module.
            self.conn.execute(INSERT_EVENT, (event["type"], event["timestamp"], "{}"))
    ''',
)

keys = load_module(
    'metis.gateway.keys',
    '/app/metis/gateway/keys.py',
    '''
    from metis.gateway.errors import UnknownKey

    class KeyCache:
        def __init__(self):
            self._cache = {"gk_01HXAAAAAA": {"daily_cap_usd": 5}}

        def lookup(self, key_id):
            return self._cache[key_id]

        def lookup_or_raise(self, key_id):
            try:
                return self.lookup(key_id)
            except KeyError as exc:
                raise UnknownKey(f"unknown gateway key {key_id}") from exc
    ''',
)

auth = load_module(
    'metis.gateway.auth',
    '/app/metis/gateway/auth.py',
    '''
    from metis.gateway.keys import KeyCache

    def authenticate(key_id):
        key = KeyCache().lookup_or_raise(key_id)
        return key
    ''',
)

openai_provider = load_module(
    'metis.gateway.providers.openai',
    '/app/metis/gateway/providers/openai.py',
    '''
    import json
    from metis.gateway.errors import UpstreamError

    def parse_response(body):
        try:
            return json.loads(body)
        except ValueError:
            raise UpstreamError("provider returned a body that is not JSON (status 502)")
    ''',
)

fanout = load_module(
    'metis.gateway.fanout',
    '/app/metis/gateway/fanout.py',
    '''
    import asyncio

    async def call_provider(name):
        await asyncio.sleep(0)
        if name == "openai":
            raise TimeoutError(f"{name}: no response within 30 s")
        if name == "anthropic":
            raise ValueError(f"{name}: unexpected stop_reason 'refusal'")
        return name

    async def fan_out(providers):
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(call_provider(p)) for p in providers]
        return [t.result() for t in tasks]

    async def warm_region(region):
        async with asyncio.TaskGroup() as tg:
            tg.create_task(call_provider("openai"))
            tg.create_task(fan_out(["anthropic", "mistral"]))
        return region
    ''',
)

plugins = load_module(
    'metis.gateway.plugins',
    '/app/metis/gateway/plugins.py',
    '''
    PLUGIN_SOURCE = "def redact(event):\\n    return {k: v for k, v in event.items() if k != 'prompt'\\n"

    def load(path):
        code = compile(PLUGIN_SOURCE, path, "exec")
        namespace = {}
        exec(code, namespace)
        return namespace["redact"]
    ''',
)

render = load_module(
    'metis.gateway.render',
    '/app/metis/gateway/render.py',
    '''
    class Node:
        def __init__(self):
            self.children = [self]  # a template that includes itself

    def visit(node, depth=0):
        for child in node.children:
            return visit(child, depth + 1)
    ''',
)

cache = load_module(
    'metis.gateway.cache',
    '/app/metis/gateway/cache.py',
    '''
    def refresh(client):
        return client.get("http://pricing.internal/v1/prices")
    ''',
)

# A library in a virtualenv's site-packages (Linux) and the same kind of code on Windows.
httpx_models = load_module(
    'httpx',
    '/app/.venv/lib/python3.11/site-packages/httpx/_models.py',
    '''
    class HTTPStatusError(Exception):
        pass

    class Response:
        def __init__(self, status_code, url):
            self.status_code = status_code
            self.url = url

        def raise_for_status(self):
            if self.status_code >= 500:
                message = f"Server error '{self.status_code} Service Unavailable' for url '{self.url}'"
                raise HTTPStatusError(message)
            return self
    ''',
)

pricing = load_module(
    'metis.gateway.pricing',
    '/app/metis/gateway/pricing.py',
    '''
    import httpx

    def fetch_prices():
        response = httpx.Response(503, "https://api.openai.com/v1/chat/completions")
        return response.raise_for_status()
    ''',
)

win_sdk = load_module(
    'metis_sdk.client',
    'C:\\venv\\Lib\\site-packages\\metis_sdk\\client.py',
    '''
    class QuotaExceeded(Exception):
        pass

    def send(body):
        raise QuotaExceeded("key gk_01HXWIN000 is over its daily cap of 5.00 USD")
    ''',
)

win_app = load_module(
    'svc',
    'C:\\app\\svc.py',
    '''
    from metis_sdk.client import send

    def handler(event):
        return send({"model": "gpt-4o", "max_tokens": 1})
    ''',
)


# The gateway's own request handlers: they catch and log, so every frame Python prints is application code.
app = load_module(
    'metis.gateway.app',
    '/app/metis/gateway/app.py',
    """
    import asyncio

    from metis.gateway import auth, cache, db, fanout, plugins, pricing, render
    from metis.gateway.errors import UpstreamError
    from metis.gateway.providers import openai


    def record_call(log):
        log.info("POST /v1/chat/completions request_id=req_01JA2B3C4D model=gpt-4o")
        try:
            db.Store().insert_event({"type": "llm.call_completed", "timestamp": "2026-11-20T12:00:00Z"})
        except Exception:
            log.exception("unhandled error on POST /v1/chat/completions request_id=req_01JA2B3C4D")


    def check_key(log):
        try:
            auth.authenticate("gk_01HXYZ8K3M")
        except Exception:
            log.exception("authentication failed")


    def read_provider_reply(log):
        try:
            openai.parse_response("<html><body>502 Bad Gateway</body></html>")
        except Exception:
            log.exception("provider call failed provider=openai")


    def fan_out(log):
        try:
            asyncio.run(fanout.fan_out(["openai", "anthropic", "mistral"]))
        except Exception:
            log.exception("fan-out failed")


    def answer_or_fail(log):
        try:
            try:
                asyncio.run(fanout.fan_out(["openai", "anthropic", "mistral"]))
            except ExceptionGroup as group:
                raise UpstreamError(f"all providers failed ({len(group.exceptions)} errors)")
        except Exception:
            log.exception("chat request failed")


    def warm_region(log):
        try:
            asyncio.run(fanout.warm_region("eu-west-1"))
        except Exception:
            log.exception("region warm-up failed region=eu-west-1")


    class PricingClient:
        def get(self, url):
            raise ConnectionResetError(104, "Connection reset by peer")


    def refresh_cache(log, level, message):
        try:
            cache.refresh(PricingClient())
        except Exception:
            log.log(level, message, exc_info=True)


    def refresh_prices(log, level="error", message="price refresh failed"):
        try:
            pricing.fetch_prices()
        except Exception:
            if level == "error":
                log.exception(message)
            else:
                log.warning(message, exc_info=True)


    def load_plugin(log):
        try:
            plugins.load("/app/plugins/redact_prompts.py")
        except SyntaxError:
            log.exception("plugin failed to load")


    def render_template(log):
        try:
            render.visit(render.Node())
        except RecursionError:
            log.exception("template failed")
    """,
)

win_handler = load_module(
    'svc_main',
    'C:\\app\\main.py',
    """
    import svc

    def main(log):
        try:
            svc.handler({})
        except Exception:
            log.exception("request failed")
    """,
)



# ---------------------------------------------------------------------------------------------------------
# Customer text where gateways put it by mistake (prompt_exposure), and the trace DB failing (trace_db_log_error).

PROMPT = 'Summarise the attached board minutes for Acme Corp and list every acquisition target by name'
COMPLETION = 'The board approved the acquisition of Globex Industries for 41 million dollars pending due diligence'

anthropic_provider = load_module(
    'metis.gateway.providers.anthropic',
    '/app/metis/gateway/providers/anthropic.py',
    """
    from metis.gateway.errors import UpstreamError

    def moderate(prompt):
        raise ValueError(f"moderation blocked prompt: {prompt}")

    def send(prompt):
        # The provider's 400 quoted back with the request text: what an outside audit found in production.
        raise UpstreamError(f"provider rejected prompt: {prompt}")

    def send_moderated(prompt):
        try:
            moderate(prompt)
        except ValueError as exc:
            raise UpstreamError("provider call failed (status 400)") from exc
    """,
)

trace_store = load_module(
    'metis.gateway.trace_store',
    '/app/metis/gateway/trace_store.py',
    """
    import sqlite3

    def append(path, payload, max_page_count=None):
        conn = sqlite3.connect(path)
        try:
            if max_page_count is not None:
                conn.execute(f"PRAGMA max_page_count = {max_page_count}")
            conn.execute("CREATE TABLE IF NOT EXISTS events (type TEXT, timestamp TEXT, payload TEXT)")
            for _ in range(200):
                conn.execute(
                    "INSERT INTO events (type, timestamp, payload) VALUES (?, ?, ?)",
                    ("llm.call_completed", "2026-11-20T12:00:00Z", payload),
                )
            conn.commit()
            return conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        finally:
            conn.close()
    """,
)

prompt_app = load_module(
    'metis.gateway.chat',
    '/app/metis/gateway/chat.py',
    """
    from metis.gateway.providers import anthropic
    from metis.gateway import trace_store


    def complete(log, prompt):
        try:
            anthropic.send(prompt)
        except Exception:
            log.exception("upstream call failed provider=anthropic request_id=req_01JB7Q gateway_key_id=gk_01HXACME")


    def complete_moderated(log, prompt):
        try:
            anthropic.send_moderated(prompt)
        except Exception:
            log.exception("upstream call failed provider=anthropic request_id=req_01JB7R")


    def record(log, path, payload, max_page_count=None):
        try:
            trace_store.append(path, payload, max_page_count)
        except Exception:
            log.exception("could not write the trace event request_id=req_01JB7S")
    """,
)


@dataclasses.dataclass
class TextBlock:
    text: str
    type: str = 'text'


@dataclasses.dataclass
class Usage:
    input_tokens: int
    output_tokens: int


@dataclasses.dataclass
class Message:
    """The shape of Anthropic's SDK Message; its dataclass repr is what `%r` logs."""

    id: str
    content: list
    model: str
    role: str
    stop_reason: str
    usage: Usage

# ---------------------------------------------------------------------------------------------------------
# Scenarios: each runs the code above and keeps what the logging library printed.


def stdlib_exception() -> None:
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.app')
    app.record_call(log)
    write('stdlib-exception', out.getvalue())


def chained_direct_cause() -> None:
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.auth')
    app.check_key(log)
    write('chained-direct-cause', out.getvalue())


def chained_during_handling() -> None:
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.providers')
    app.read_provider_reply(log)
    write('chained-during-handling', out.getvalue())


def taskgroup() -> None:
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.fanout')
    app.fan_out(log)
    write('taskgroup-exception-group', out.getvalue())


def taskgroup_then_raise() -> None:
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.app')
    app.answer_or_fail(log)
    write('taskgroup-then-raise', out.getvalue())


def taskgroup_nested() -> None:
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.fanout')
    app.warm_region(log)
    write('taskgroup-nested', out.getvalue())


def below_error(level: int, scenario: str, message: str) -> None:
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.cache')
    app.refresh_cache(log, level, message)
    write(scenario, out.getvalue())


def structlog_json() -> None:
    import structlog

    def configure(buffer: io.StringIO, exception_processor) -> None:
        structlog.configure(
            processors=[
                structlog.processors.add_log_level,
                lambda _logger, _name, event: {**event, 'timestamp': fixed_now()},
                exception_processor,
                structlog.processors.JSONRenderer(),
            ],
            logger_factory=structlog.PrintLoggerFactory(file=buffer),
            cache_logger_on_first_use=False,
        )

    buffer = io.StringIO()
    configure(buffer, structlog.processors.format_exc_info)
    app.refresh_prices(structlog.get_logger().bind(logger='metis.gateway.pricing', request_id='req_01JA2B3C4E'))
    write('structlog-json-exception', buffer.getvalue())

    buffer = io.StringIO()
    configure(buffer, structlog.processors.format_exc_info)
    app.refresh_prices(structlog.get_logger().bind(logger='metis.gateway.pricing'), 'warning', 'price refresh failed, serving cached prices')
    write('structlog-json-warning', buffer.getvalue())

    buffer = io.StringIO()
    configure(buffer, structlog.processors.format_exc_info)
    app.fan_out(structlog.get_logger().bind(logger='metis.gateway.fanout'))
    write('structlog-json-exception-group', buffer.getvalue())

    buffer = io.StringIO()
    configure(buffer, structlog.processors.dict_tracebacks)
    app.check_key(structlog.get_logger().bind(logger='metis.gateway.auth'))
    write('structlog-dict-tracebacks', buffer.getvalue())
    structlog.reset_defaults()


def python_json_logger() -> None:
    from pythonjsonlogger import jsonlogger

    formatter = jsonlogger.JsonFormatter('%(asctime)s %(levelname)s %(name)s %(message)s')
    formatter.converter = time.gmtime
    log, out = captured_logger(formatter, 'metis.gateway.app')
    app.record_call(log)
    write('python-json-logger-exc-info', out.getvalue())


def syntax_error() -> None:
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.plugins')
    app.load_plugin(log)
    write('syntax-error', out.getvalue())


def recursion_error() -> None:
    log, out = captured_logger(stdlib_formatter('%(levelname)s:%(name)s:%(message)s'), 'metis.gateway.render')
    app.render_template(log)
    write('recursion-error', out.getvalue())


def windows_paths() -> None:
    log, out = captured_logger(stdlib_formatter(), 'svc')
    win_handler.main(log)
    write('windows-paths', out.getvalue())


def site_packages() -> None:
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.pricing')
    app.refresh_prices(log)
    write('site-packages', out.getvalue())


def restart_clock() -> None:
    """New scenarios start at 12:00:00 whatever ran before them, so their output is the same on every run."""
    _tick[0] = 0


def prompt_upstream_error() -> None:
    restart_clock()
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.chat')
    prompt_app.complete(log, PROMPT)
    write('prompt-exposure/upstream-error', out.getvalue())


def prompt_chained_cause() -> None:
    restart_clock()
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.chat')
    prompt_app.complete_moderated(log, PROMPT)
    write('prompt-exposure/chained-cause', out.getvalue())


def prompt_structlog_exception() -> None:
    import structlog

    restart_clock()
    buffer = io.StringIO()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            lambda _logger, _name, event: {**event, 'timestamp': fixed_now()},
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=buffer),
        cache_logger_on_first_use=False,
    )
    prompt_app.complete(structlog.get_logger().bind(logger='metis.gateway.chat'), PROMPT)
    structlog.reset_defaults()
    write('prompt-exposure/structlog-exception', buffer.getvalue())


def prompt_python_json_logger() -> None:
    from pythonjsonlogger import jsonlogger

    restart_clock()
    formatter = jsonlogger.JsonFormatter('%(asctime)s %(levelname)s %(name)s %(message)s')
    formatter.converter = time.gmtime
    log, out = captured_logger(formatter, 'metis.gateway.chat')
    prompt_app.complete_moderated(log, PROMPT)
    write('prompt-exposure/python-json-logger-exc-info', out.getvalue())


PYDANTIC_V2_APP = r'''
import linecache, logging, sys, time, types

VALIDATION = """from typing import Literal

from pydantic import BaseModel, ValidationError


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str


class ChatRequest(BaseModel):
    model: str
    messages: list[ChatMessage]


def parse_body(log, body):
    try:
        return ChatRequest.model_validate(body)
    except ValidationError:
        log.exception("invalid request body request_id=req_01JB7T")
"""
assert __import__("pydantic").VERSION.startswith("2."), "needs pydantic 2"
filename = "/app/metis/gateway/validation.py"
linecache.cache[filename] = (len(VALIDATION), None, VALIDATION.splitlines(True), filename)
validation = types.ModuleType("metis.gateway.validation")
validation.__file__ = filename
exec(compile(VALIDATION, filename, "exec"), validation.__dict__)

BASE = 1_795_176_000.0
factory = logging.getLogRecordFactory()
def fixed(*args, **kwargs):
    record = factory(*args, **kwargs)
    record.created = BASE
    record.msecs = 0
    return record
logging.setLogRecordFactory(fixed)
handler = logging.StreamHandler(sys.stdout)
formatter = logging.Formatter("%(asctime)s %(levelname)s [%(name)s] %(message)s")
formatter.converter = time.gmtime
handler.setFormatter(formatter)
log = logging.getLogger("metis.gateway.validation")
log.addHandler(handler)
log.setLevel(logging.INFO)
# A client that sent its prompt as a bare string where the messages list belongs.
validation.parse_body(log, {"model": "anthropic:claude-haiku-4-5", "messages": sys.argv[1]})
'''


def prompt_pydantic_v2() -> None:
    python = os.environ.get('PYDANTIC_V2_PYTHON', '/root/.pyenv/shims/python3')
    result = subprocess.run([python, '-c', PYDANTIC_V2_APP, PROMPT], capture_output=True, text=True, check=True)
    write('prompt-exposure/pydantic-v2-input-value', result.stdout)


def prompt_logged_response() -> None:
    restart_clock()
    log, out = captured_logger(stdlib_formatter(), 'metis.gateway.providers.anthropic')
    message = Message(
        id='msg_01JB7U',
        content=[TextBlock(text=COMPLETION)],
        model='claude-haiku-4-5',
        role='assistant',
        stop_reason='end_turn',
        usage=Usage(input_tokens=812, output_tokens=96),
    )
    # A debug line left on in production: the SDK's response object, repr and all.
    log.info('provider response: %r', message)
    write('prompt-exposure/logged-response-repr', out.getvalue())


def prompt_structlog_response() -> None:
    import structlog

    restart_clock()
    buffer = io.StringIO()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            lambda _logger, _name, event: {**event, 'timestamp': fixed_now()},
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=buffer),
        cache_logger_on_first_use=False,
    )
    body = {
        'id': 'chatcmpl-01JB7V',
        'object': 'chat.completion',
        'choices': [{'index': 0, 'message': {'role': 'assistant', 'content': COMPLETION}, 'finish_reason': 'stop'}],
        'usage': {'prompt_tokens': 812, 'completion_tokens': 96},
    }
    structlog.get_logger().bind(logger='metis.gateway.providers.openai').info(
        'provider response', gateway_key_id='gk_01HXACME', response=body
    )
    structlog.reset_defaults()
    write('prompt-exposure/structlog-response-json', buffer.getvalue())


def sqlite_malformed() -> None:
    """A real trace DB with one page overwritten: SQLite reports SQLITE_CORRUPT, Python raises it."""
    restart_clock()
    workdir = tempfile.mkdtemp()
    try:
        path = os.path.join(workdir, 'metis.db')
        trace_store.append(path, '{"model": "gpt-4o"}' * 20)
        with open(path, 'r+b') as f:
            f.seek(4096 * 3)  # a page of the events table
            f.write(b'\xff' * 4096)
        log, out = captured_logger(stdlib_formatter(), 'metis.gateway.chat')
        prompt_app.record(log, path, '{"model": "gpt-4o"}')
        write('trace-db/sqlite-malformed', out.getvalue())
    finally:
        shutil.rmtree(workdir)


def sqlite_disk_full() -> None:
    """SQLITE_FULL for real: the database may not grow past a few pages (`PRAGMA max_page_count`)."""
    restart_clock()
    workdir = tempfile.mkdtemp()
    try:
        log, out = captured_logger(stdlib_formatter(), 'metis.gateway.chat')
        prompt_app.record(log, os.path.join(workdir, 'metis.db'), 'x' * 1000, max_page_count=4)
        write('trace-db/sqlite-disk-full', out.getvalue())
    finally:
        shutil.rmtree(workdir)


UVICORN_APP = r'''
import sys, linecache, types
filename = "/app/metis/gateway/routes.py"
source = """from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def chat_completions(request):
    body = await request.json()
    return JSONResponse({"model": body["model"]})


app = Starlette(routes=[Route("/v1/chat/completions", chat_completions, methods=["POST"])])
"""
linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
module = types.ModuleType("metis.gateway.routes")
module.__file__ = filename
sys.modules["metis.gateway.routes"] = module
exec(compile(source, filename, "exec"), module.__dict__)

import uvicorn
uvicorn.run(module.app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info", use_colors=False)
'''


def uvicorn_asgi() -> None:
    """A real uvicorn + starlette server on 127.0.0.1, one request whose route raises, its stderr as logged."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, '-c', UVICORN_APP, str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, 'PYTHONUNBUFFERED': '1'},
    )
    lines = []
    try:
        while True:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError('uvicorn exited before it started:\n' + ''.join(lines))
            lines.append(line)
            if 'Uvicorn running on' in line:
                break
        request = urllib.request.Request(
            f'http://127.0.0.1:{port}/v1/chat/completions',
            data=json.dumps({'messages': [{'role': 'user', 'content': 'hello'}]}).encode(),
            headers={'content-type': 'application/json'},
            method='POST',
        )
        try:
            urllib.request.urlopen(request, timeout=10)
            raise RuntimeError('the route was expected to fail with 500')
        except urllib.error.HTTPError as error:
            assert error.code == 500, error.code
    finally:
        proc.send_signal(2)  # SIGINT: uvicorn shuts down and says so
        rest, _ = proc.communicate(timeout=20)
        lines.append(rest)
    write('uvicorn-asgi-exception', ''.join(lines))


SCENARIOS = [
    stdlib_exception,
    chained_direct_cause,
    chained_during_handling,
    taskgroup,
    taskgroup_nested,
    taskgroup_then_raise,
    lambda: below_error(logging.WARNING, 'warning-exc-info', 'cache refresh failed, serving stale prices'),
    lambda: below_error(logging.INFO, 'info-exc-info', 'client went away while streaming, nothing to do'),
    structlog_json,
    python_json_logger,
    syntax_error,
    recursion_error,
    windows_paths,
    site_packages,
    uvicorn_asgi,
    prompt_upstream_error,
    prompt_chained_cause,
    prompt_structlog_exception,
    prompt_python_json_logger,
    prompt_pydantic_v2,
    prompt_logged_response,
    prompt_structlog_response,
    sqlite_malformed,
    sqlite_disk_full,
]

if __name__ == '__main__':
    if sys.version_info[:2] != (3, 11):
        sys.exit(f'run with Debian\'s /usr/bin/python3 (3.11), not {sys.executable} {sys.version.split()[0]}')
    os.makedirs(OUT, exist_ok=True)
    wanted = {name.replace('-', '_') for name in sys.argv[1:]}
    for scenario in SCENARIOS:
        if not wanted or scenario.__name__ in wanted:
            scenario()
