"""The files hassfest and the HACS validator check, checked as they would.

Neither tool runs here, so these tests hold the rules we rely on.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
import re
from typing import Any

import yaml

from custom_components.clicksend_sms.const import DOMAIN
from custom_components.clicksend_sms.errors import _API_ERROR_KEYS
from custom_components.clicksend_sms.services import (
    ASK_SCHEMA,
    GET_HISTORY_SCHEMA,
    SEND_SMS_SCHEMA,
    SERVICE_ASK,
    SERVICE_GET_HISTORY,
    SERVICE_SEND_SMS,
)

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "custom_components" / DOMAIN


def _load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_manifest_keys_order_and_types() -> None:
    """Manifest keys order and types."""
    manifest = _load_json(PACKAGE / "manifest.json")
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert manifest["domain"] == DOMAIN == PACKAGE.name
    assert manifest["name"] == "ClickSend Two-Way SMS"
    assert manifest["config_flow"] is True
    assert manifest["integration_type"] == "service"
    assert manifest["iot_class"] == "cloud_polling"
    assert isinstance(manifest["codeowners"], list)
    assert all(owner.startswith("@") for owner in manifest["codeowners"])
    for key in ("documentation", "issue_tracker"):
        assert manifest[key].startswith("https://")
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    assert all("==" in requirement for requirement in manifest["requirements"])
    pinned = {
        line.split("==")[0].lower(): line.strip()
        for line in (ROOT / "requirements_test.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    for requirement in manifest["requirements"]:
        assert pinned[requirement.split("==")[0].lower()] == requirement


def test_hacs_json() -> None:
    """Hacs json."""
    hacs = _load_json(ROOT / "hacs.json")
    known = {
        "name",
        "content_in_root",
        "zip_release",
        "filename",
        "hide_default_branch",
        "country",
        "homeassistant",
        "hacs",
        "persistent_directory",
        "render_readme",
    }
    assert set(hacs) <= known
    assert hacs["name"] == "ClickSend Two-Way SMS"
    assert hacs["homeassistant"] == "2026.10.0"


def _flatten(tree: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in tree.items():
        path = f"{prefix}{key}"
        keys.add(path)
        if isinstance(value, dict):
            keys |= _flatten(value, f"{path}.")
    return keys


def _translation_keys_used_in_code() -> set[str]:
    """Every translation_key="..." string in the integration's code."""
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "translation_key"
                and isinstance(node.value, ast.Constant)
            ):
                used.add(str(node.value.value))
    return used


def test_translations_cover_code() -> None:
    """Translations cover code."""
    translations = _load_json(PACKAGE / "translations" / "en.json")
    keys = _flatten(translations)
    exceptions = set(translations["exceptions"])
    issues = set(translations["issues"])
    entities = {
        name for platform in translations["entity"].values() for name in platform
    }
    selectors = set(translations["selector"])
    for key in _translation_keys_used_in_code():
        assert key in exceptions | issues | entities | selectors, key
    # Keys built at run time by errors.py.
    for _, key in _API_ERROR_KEYS:
        assert key in exceptions
    for key in ("unknown_result", "timeout", "cannot_connect", "bad_response"):
        assert key in exceptions
    assert "config.step.user.data.username" in keys
    # The options form has two descriptions (a whole push URL, or its path
    # only) and one set of fields: an option added to one is added to both.
    steps = translations["options"]["step"]
    for part in ("data", "data_description"):
        assert steps["init_path"][part] == steps["init"][part], part
    # Custom integrations ship translations only: references are not resolved.
    assert "[%key:" not in (PACKAGE / "translations" / "en.json").read_text()
    assert not (PACKAGE / "strings.json").exists()


def test_services_yaml_matches_registered_actions() -> None:
    """Services yaml matches registered actions."""
    services = yaml.safe_load((PACKAGE / "services.yaml").read_text())
    translations = _load_json(PACKAGE / "translations" / "en.json")["services"]
    icons = _load_json(PACKAGE / "icons.json")["services"]
    schemas = {
        SERVICE_SEND_SMS: SEND_SMS_SCHEMA,
        SERVICE_GET_HISTORY: GET_HISTORY_SCHEMA,
        SERVICE_ASK: ASK_SCHEMA,
    }
    assert set(services) == set(schemas) == set(translations) == set(icons)
    for name, schema in schemas.items():
        fields = {str(key) for key in schema.schema}
        assert set(services[name]["fields"]) == fields, name
        assert set(translations[name]["fields"]) == fields, name
        required = {
            str(key) for key in schema.schema if key.__class__.__name__ == "Required"
        }
        assert {
            field
            for field, spec in services[name]["fields"].items()
            if spec.get("required")
        } == required
