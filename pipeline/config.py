"""Typed, validated configuration.

A config is a YAML file whose top-level keys are sections, one per stage plus ``run``.
Profiles may say ``extends: other.yaml`` and override a few keys; ``--set key.path=value``
overrides come last and are parsed as YAML scalars. The merged mapping is validated against
the pydantic models in :mod:`pipeline.settings` before anything runs: an unknown key, a wrong type
or an out-of-range value raises :class:`ConfigError` naming the key path, the bad value, where
it was set and what is allowed (with a "did you mean" for misspelt keys).
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pydantic
import yaml

from .errors import ConfigError
from .settings import Settings

DEFAULT_CONFIG = Path("configs/default.yaml")
MAX_EXTENDS_DEPTH = 10


def load_config(path: str | Path | None = None, overrides: Iterable[str] = ()) -> Settings:
    """Read ``path`` (following ``extends:``), apply ``--set`` overrides and validate.

    Parameters
    ----------
    path:
        YAML file. ``None`` means ``configs/default.yaml`` when it exists in the working
        directory, else the built-in defaults (which that file mirrors).
    overrides:
        Strings ``"section.key=value"``; ``value`` is parsed as a YAML scalar, so
        ``themes.min_cluster_size=5`` is an int and ``ingest.formats=[md, txt]`` a list.
    """
    origins: dict[str, str] = {}
    if path is None and DEFAULT_CONFIG.exists():
        path = DEFAULT_CONFIG
    data: dict[str, Any] = {}
    if path is not None:
        data = _read_with_extends(Path(path), origins, depth=0)
    for item in overrides:
        key, value = _parse_override(item)
        _set_path(data, key, value)
        origins[key] = f"--set {item}"
    return validate(data, origins)


def validate(data: Mapping[str, Any], origins: Mapping[str, str] | None = None) -> Settings:
    """Validate a merged mapping; raise :class:`ConfigError` listing every problem."""
    try:
        return Settings.model_validate(_empty_sections_as_defaults(dict(data), Settings))
    except pydantic.ValidationError as exc:
        problems = [_describe(err, data, origins or {}) for err in exc.errors()]
        raise ConfigError(
            "invalid configuration:\n  - " + "\n  - ".join(problems),
            hint="fix the keys above in your config file or --set option; "
            "configs/default.yaml lists every key with a comment.",
        ) from None


def _empty_sections_as_defaults(data: dict[str, Any], model: Any) -> dict[str, Any]:
    """``ingest:`` with nothing under it means "the defaults", as a reader of YAML expects."""
    fields = getattr(model, "model_fields", {})
    cleaned = {}
    for key, value in data.items():
        sub_model = fields[key].annotation if key in fields else None
        if value is None and hasattr(sub_model, "model_fields"):
            value = {}
        if isinstance(value, dict) and hasattr(sub_model, "model_fields"):
            value = _empty_sections_as_defaults(value, sub_model)
        cleaned[key] = value
    return cleaned


def to_yaml(settings: Settings) -> str:
    """The resolved config as YAML, in the order the models declare the keys."""
    return yaml.safe_dump(settings.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def section_hash(settings: Settings, *dotted: str) -> str:
    """Stable hash of one or more config (sub)sections, e.g. ``"ingest.read"``."""
    dumped = settings.model_dump(mode="json")
    parts = {}
    for name in dotted:
        node: Any = dumped
        for key in name.split("."):
            node = node[key]
        parts[name] = node
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


# -- reading ---------------------------------------------------------------------------------


def _read_with_extends(path: Path, origins: dict[str, str], depth: int) -> dict[str, Any]:
    if depth > MAX_EXTENDS_DEPTH:
        raise ConfigError(f"{path}: 'extends' chain longer than {MAX_EXTENDS_DEPTH} files",
                          hint="check for a profile that extends itself", code="RD101")
    data = _read_yaml(path)
    parent_name = data.pop("extends", None)
    merged: dict[str, Any] = {}
    if parent_name is not None:
        if not isinstance(parent_name, str):
            raise ConfigError(f"{path}: 'extends' must be a file name, got {parent_name!r}",
                              code="RD102")
        parent = (path.parent / parent_name).resolve()
        merged = _read_with_extends(parent, origins, depth + 1)
    for key in _leaf_paths(data):
        origins[key] = str(path)
    _deep_merge(merged, data)
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}",
                          hint="pass --config with an existing YAML file "
                          "(e.g. configs/default.yaml)",
                          code="RD103")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}".strip(),
                          hint="check indentation and quoting near the position shown",
                          code="RD104") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level, "
                          f"got {type(data).__name__}", code="RD105")
    return data


def _parse_override(item: str) -> tuple[str, Any]:
    key, sep, raw = item.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ConfigError(f"--set {item!r} is not of the form section.key=value",
                          hint="example: --set ingest.min_words=50", code="RD106")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    return key, value


def _set_path(data: dict[str, Any], dotted: str, value: Any) -> None:
    node = data
    keys = dotted.split(".")
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[keys[-1]] = value


def _deep_merge(base: dict[str, Any], update: Mapping[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value


def _leaf_paths(data: Mapping[str, Any], prefix: str = "") -> Iterable[str]:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            yield from _leaf_paths(value, path + ".")
        else:
            yield path


# -- error messages --------------------------------------------------------------------------


def _describe(err: Mapping[str, Any], data: Mapping[str, Any], origins: Mapping[str, str]) -> str:
    loc = [str(part) for part in err["loc"]]
    dotted = ".".join(loc)
    where = _origin(dotted, origins)
    if err["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        guess = difflib.get_close_matches(loc[-1], allowed, n=1, cutoff=0.6)
        text = f"{dotted}: unknown key{where}."
        if guess:
            text += f" Did you mean '{'.'.join(loc[:-1] + [guess[0]])}'?"
        if allowed:
            text += f" Allowed here: {', '.join(allowed)}."
        return text
    if err["type"] == "missing":
        return f"{dotted}: required key is missing{where}."
    value = err.get("input")
    shown = json.dumps(value, ensure_ascii=False, default=str)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{dotted}: got {shown} ({_type_name(value)}){where}; {_expectation(err)}"


def _expectation(err: Mapping[str, Any]) -> str:
    msg = str(err.get("msg", "invalid value"))
    msg = msg.replace("Input should be", "expected").replace("Value error, ", "")
    return msg[0].lower() + msg[1:] if msg else msg


def _type_name(value: Any) -> str:
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a number",
            list: "a list", dict: "a mapping", type(None): "empty"}.get(type(value),
                                                                     type(value).__name__)


def _origin(dotted: str, origins: Mapping[str, str]) -> str:
    probe = dotted
    while probe:
        if probe in origins:
            return f" (set in {origins[probe]})"
        probe = probe.rpartition(".")[0]
    return ""


def _allowed_keys(loc: list[str]) -> list[str]:
    model: Any = Settings
    for key in loc:
        field = getattr(model, "model_fields", {}).get(key)
        if field is None:
            return []
        model = field.annotation
    fields = getattr(model, "model_fields", None)
    return list(fields) if fields else []
