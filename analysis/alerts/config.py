"""data/alerts.toml: the rules, the periods they judge, and where alerts are delivered (all optional)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from analysis import settings
from analysis.errors import ConfigError

ALERTS_FILE_NAME = "alerts.toml"
# Each kind's parameters and their defaults; a rule may override any of them.
KINDS: dict[str, dict[str, object]] = {
    "tone_zscore": {"k": 2.5, "min_articles": 3},
    "shift": {"min_delta": 0.25},
    "volume_spike": {"factor": 3.0, "window": 28, "min_articles": 5},
    "frame_share": {"frame": None, "jump": 0.15, "window": 4, "min_articles": 2},
    "price_mismatch": {},
}
FREQS = ("D", "W")


@dataclass(frozen=True)
class Rule:
    """One [[rule]]: its name (the alert's), kind and parameters (defaults filled in)."""

    name: str
    kind: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Webhook:
    url: str
    token_env: str | None = None  # the environment variable holding a bearer token (never in the file)


@dataclass(frozen=True)
class Email:
    host: str
    port: int
    sender: str
    to: tuple[str, ...]
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None  # the environment variable holding the password (never in the file)


@dataclass(frozen=True)
class AlertConfig:
    """The rules and delivery channels of alerts.toml."""

    rules: tuple[Rule, ...] = ()
    freq: str = "D"
    lookback_days: int = 14  # only periods ending this recently fire (0: every period in the data)
    webhook: Webhook | None = None
    email: Email | None = None

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(name for name, conf in (("webhook", self.webhook), ("email", self.email)) if conf)


def alerts_file(data_dir: Path | None = None) -> Path:
    return (data_dir or settings.current().data_dir) / ALERTS_FILE_NAME


def load_alert_config(path: Path | None = None) -> AlertConfig:
    """alerts.toml parsed and checked (no rules when the file is missing); ConfigError naming the field."""
    path = path or alerts_file()
    if not path.exists():
        return AlertConfig()
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    return parse_alert_config(data, where=str(path))


def parse_alert_config(data: dict, *, where: str = ALERTS_FILE_NAME) -> AlertConfig:
    """The parsed TOML's tables to an AlertConfig."""
    options = data.get("settings", {})
    freq = options.get("freq", "D")
    if freq not in FREQS:
        raise ConfigError(f"{where} [settings] freq: {freq!r} is not one of {', '.join(FREQS)}")
    lookback = options.get("lookback_days", 14)
    if not isinstance(lookback, int) or lookback < 0:
        raise ConfigError(f"{where} [settings] lookback_days: a whole number of days, 0 for all")
    rules, names = [], set()
    for number, block in enumerate(data.get("rule", []), 1):
        name, kind = block.get("name"), block.get("kind")
        at = f"{where} [[rule]] {name or number}"
        if not isinstance(name, str) or not name or name in names:
            raise ConfigError(f"{at} [name]: each rule needs a unique name")
        names.add(name)
        if kind not in KINDS:
            raise ConfigError(f"{at} [kind]: {kind!r} is not one of {', '.join(KINDS)}")
        unknown = sorted(set(block) - {"name", "kind", "enabled"} - set(KINDS[kind]))
        if unknown:
            raise ConfigError(f"{at}: unknown parameter(s) {', '.join(unknown)} for kind {kind}")
        if block.get("enabled", True) is False:
            continue
        params = dict(KINDS[kind]) | {k: v for k, v in block.items() if k in KINDS[kind]}
        for key, value in params.items():
            default = KINDS[kind][key]
            if isinstance(default, int | float) and (not isinstance(value, int | float) or value < 0):
                raise ConfigError(f"{at} [{key}]: a non-negative number")
        rules.append(Rule(name, kind, params))
    return AlertConfig(
        tuple(rules), freq, lookback, _webhook(data.get("webhook"), where), _email(data.get("email"), where)
    )


def _webhook(block: object, where: str) -> Webhook | None:
    if not block:
        return None
    if not isinstance(block, dict) or not str(block.get("url", "")).startswith(("http://", "https://")):
        raise ConfigError(f"{where} [webhook] url: an http(s) URL")
    return Webhook(block["url"], block.get("token_env"))


def _email(block: object, where: str) -> Email | None:
    if not block:
        return None
    if not isinstance(block, dict):
        raise ConfigError(f"{where} [email]: a table")
    to = block.get("to")
    to = (to,) if isinstance(to, str) else tuple(to or ())
    for key, value in (("host", block.get("host")), ("from", block.get("from"))):
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where} [email] {key}: required")
    if not to:
        raise ConfigError(f"{where} [email] to: at least one address")
    port = block.get("port", 587 if block.get("starttls") else 25)
    if not isinstance(port, int):
        raise ConfigError(f"{where} [email] port: a number")
    return Email(block["host"], port, block["from"], to, bool(block.get("starttls", False)),
                 block.get("username"), block.get("password_env"))  # fmt: skip
