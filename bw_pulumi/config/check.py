"""The provider settings checked as a whole, without any API call: what ``pulumi preview``
runs through both front doors, so a typo or a missing key fails (or warns) at preview
instead of at the first request of ``pulumi up``.

Missing values (account id, credentials) and malformed ones (URLs, waits) raise the same
:class:`~bw_pulumi.api.errors.ConfigurationError` the first API call would, naming the key.
A ``bandwidth:*`` key that no setting has is a warning with the closest known key:
Pulumi itself accepts any key in the package's namespace, so a misspelt one would
otherwise be ignored in silence and the setting it meant fall back to its default.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from bw_pulumi.config.properties import PROVIDER_CONFIG
from bw_pulumi.config.settings import (
    DEPRECATED_KEYS,
    ConfigLookup,
    load_api_urls,
    load_bulk_create_size,
    load_client_settings,
    load_rate_limit_wait_seconds,
    load_realm_wait_seconds,
    load_write_concurrency,
)

NAMESPACE = "bandwidth:"
#: Every key a setting is read from (the deprecated ones included).
KNOWN_KEYS = frozenset({item.setting.config_key for item in PROVIDER_CONFIG} | set(DEPRECATED_KEYS))
#: Keys of the namespace that are not settings: the engine's own (the plugin version).
ENGINE_KEYS = frozenset({"bandwidth:version"})
#: The current spellings only: a suggestion never points at a deprecated key.
_SUGGESTIONS = sorted(item.setting.config_key for item in PROVIDER_CONFIG)


def _name(key: str) -> str:
    """What follows the namespace, lowercased: compared whole, ``bandwidth:`` would make
    any key look close to every setting."""
    return key.partition(":")[2].lower()


_BY_NAME = {_name(key): key for key in _SUGGESTIONS}


def check_settings(config: ConfigLookup, environ: Mapping[str, str] | None = None) -> None:
    """Raise :class:`ConfigurationError` for the first missing or malformed setting."""
    load_api_urls(config, environ)
    load_client_settings(config, environ, warn=_silent)  # deprecations: said at first use
    load_realm_wait_seconds(config, environ)
    load_rate_limit_wait_seconds(config, environ)
    load_bulk_create_size(config, environ)
    load_write_concurrency(config, environ)


def unknown_key_warnings(keys: Iterable[str]) -> list[str]:
    """One line per ``bandwidth:*`` key that is no setting, with the closest known key."""
    return [_unknown(key) for key in sorted(set(keys)) if _is_unknown(key)]


def _is_unknown(key: str) -> bool:
    return key.startswith(NAMESPACE) and key not in KNOWN_KEYS and key not in ENGINE_KEYS


def _unknown(key: str) -> str:
    close = difflib.get_close_matches(_name(key), _BY_NAME, n=1, cutoff=0.6)
    hint = (
        f"did you mean `{_BY_NAME[close[0]]}`?"
        if close
        else f"the settings: {', '.join(_SUGGESTIONS)}"
    )
    return f"unknown setting `{key}`, ignored: {hint} (remove it: `pulumi config rm {key}`)"


def _silent(_message: str) -> None:
    return None
