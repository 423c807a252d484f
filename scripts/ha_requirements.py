"""Print the requirements Home Assistant installs at start for scripts/develop.

scripts/setup installs them into the venv beforehand, so that the first start
of config/configuration.yaml (default_config and all that Home Assistant always
loads) needs no network, and a requirement that cannot be installed here (one
with no wheel that does not build) fails scripts/setup rather than leaving a
frontend that never loads. Resolved like homeassistant/requirements.py does:
the integrations Home Assistant sets up, with their dependencies and
after_dependencies, from the manifests of the installed Home Assistant.
"""

from __future__ import annotations

import json
from pathlib import Path
import sys

from homeassistant import bootstrap
import homeassistant.components

COMPONENTS = Path(homeassistant.components.__path__[0])
# What config/configuration.yaml names, besides what Home Assistant always sets up.
CONFIGURED = {"default_config", "automation", "script", "scene", "logger"}


def manifest(domain: str) -> dict[str, object] | None:
    """Return an integration's manifest, or None if there is no such one."""
    path = COMPONENTS / domain / "manifest.json"
    if not path.exists():
        return None
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main() -> None:
    """Print one requirement a line, sorted."""
    roots = (
        CONFIGURED
        | bootstrap.CORE_INTEGRATIONS
        | bootstrap.DEFAULT_INTEGRATIONS
        | set(bootstrap.DISCOVERY_INTEGRATIONS)
        | {"cloud", "http", "websocket_api", "onboarding"}
    )
    seen: set[str] = set()
    todo = sorted(roots)
    requirements: set[str] = set()
    while todo:
        domain = todo.pop()
        if domain in seen:
            continue
        seen.add(domain)
        if (data := manifest(domain)) is None:
            continue
        requirements.update(data.get("requirements", []))  # type: ignore[arg-type]
        for key in ("dependencies", "after_dependencies"):
            todo.extend(data.get(key, []))  # type: ignore[arg-type]
        todo.extend(
            check
            for check in bootstrap.DISCOVERY_INTEGRATIONS
            if check in data or (check == "bluetooth" and "bluetooth" in data)
        )
        if "zeroconf" in data or "homekit" in data:
            todo.append("zeroconf")
    sys.stdout.write("".join(f"{line}\n" for line in sorted(requirements)))


if __name__ == "__main__":
    main()
