"""Fixtures for the browser test: a real Home Assistant, the simulator, Chromium.

Home Assistant runs config/configuration.yaml, the one scripts/develop runs
(default_config and all), in a copy on a free port, and without --skip-pip as
scripts/develop starts it; the owner is onboarded over the API, and Chromium
(Debian's, from the root filesystem scripts/setup provisions; Playwright
downloads no browser) opens the frontend logged in as the owner.

A step that does not see what it waits for fails with a screenshot, saved
under the test's temporary folder, its path in the failure message. The README's
pictures are written under docs/images/ only when $CLICKSEND_SMS_SCREENSHOTS
names a folder (scripts/screenshots does): a test run dirties no work tree.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
import contextlib
from dataclasses import dataclass
import json
import os
from pathlib import Path
import tempfile

import aiohttp
from playwright.async_api import Page, async_playwright, expect
import pytest

from tools.hass_harness import (
    ControlApi,
    HassClient,
    HassProcess,
    SimulatorProcess,
    free_port,
    prepare_develop_configuration,
)

CHROMIUM: str = os.environ.get("CLICKSEND_SMS_CHROMIUM", "/usr/bin/chromium")
# No sandbox: the tests run as root in a chroot. Nothing is fetched from the
# internet (there is none): no QUIC, updates, sync or background requests.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: dict[str, int] = {"width": 1000, "height": 700}
PICTURES_VARIABLE = "CLICKSEND_SMS_SCREENSHOTS"
# What a step waits for at most: Home Assistant's frontend on 2 busy cores.
STEP_TIMEOUT_MS = 20_000


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> Generator[None]:
    """Replace the suite's autouse fixture: no in-process Home Assistant here."""
    return


class StepFailed(AssertionError):
    """A step of the journey did not see what it waited for."""


@dataclass
class Journey:
    """The browser's page, the processes behind it, and where pictures go."""

    page: Page
    hass: HassProcess
    client: HassClient
    sim: ControlApi
    session: aiohttp.ClientSession
    failures_dir: Path
    pictures_dir: Path | None

    @property
    def base_url(self) -> str:
        """Home Assistant's address."""
        return self.hass.base_url

    @contextlib.asynccontextmanager
    async def step(self, name: str) -> AsyncIterator[None]:
        """Run one step; on failure, save a screenshot and name it in the error."""
        try:
            yield
        except Exception as err:
            self.failures_dir.mkdir(parents=True, exist_ok=True)
            path = self.failures_dir / f"{name.replace(' ', '_')}.png"
            with contextlib.suppress(Exception):
                await self.page.screenshot(path=path)
            raise StepFailed(
                f"Step {name!r} failed: {err}\nScreenshot: {path}\n"
                f"{self.hass.log_tail(15)}"
            ) from err

    async def picture(self, name: str, height: int | None = None) -> None:
        """Save the page as docs/images/<name>.png, if pictures are asked for.

        A height other than the viewport's makes the window that tall for it.
        """
        if self.pictures_dir is None:
            return
        self.pictures_dir.mkdir(parents=True, exist_ok=True)
        path = self.pictures_dir / f"{name}.png"
        if height is not None:
            await self.page.set_viewport_size({**VIEWPORT, "height": height})
            # Let the frontend lay the page out again for the new size.
            await self.page.wait_for_timeout(500)
        try:
            # Transitions ended (a field's label, a menu fading in).
            await self.page.screenshot(path=path, animations="disabled")
        finally:
            if height is not None:
                await self.page.set_viewport_size(VIEWPORT)  # type: ignore[arg-type]
        _compress(path)


def _compress(path: Path) -> None:
    """Shrink a screenshot to a palette PNG: a few tens of kB for the README."""
    from PIL import Image  # noqa: PLC0415 - Pillow comes with default_config's requirements

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(
            colors=128, method=Image.Quantize.MEDIANCUT
        )
    small.save(path, optimize=True)


@pytest.fixture
async def journey(tmp_path: Path, socket_enabled: None) -> AsyncIterator[Journey]:
    """Start the simulator, Home Assistant and Chromium; stop them all after."""
    simulator = SimulatorProcess(tmp_path / "simulator.out")
    config_dir = tmp_path / "config"
    port = free_port()
    prepare_develop_configuration(config_dir, port)
    hass = HassProcess(config_dir, port, skip_pip=False)
    pictures = os.environ.get(PICTURES_VARIABLE)
    try:
        async with aiohttp.ClientSession() as session:
            await simulator.start_and_wait()
            await hass.start_and_wait(session, timeout=120)
            client = HassClient(session, hass.base_url)
            await client.onboard()
            await client.finish_onboarding()
            await client.wait_running(timeout=120)
            async with async_playwright() as playwright:
                with tempfile.TemporaryDirectory() as profile:
                    context = await playwright.chromium.launch_persistent_context(
                        profile,
                        executable_path=CHROMIUM,
                        args=CHROMIUM_ARGS,
                        headless=True,
                        viewport=VIEWPORT,  # type: ignore[arg-type]
                        locale="en-US",
                        timezone_id="UTC",
                    )
                    context.set_default_timeout(STEP_TIMEOUT_MS)
                    expect.set_options(timeout=STEP_TIMEOUT_MS)
                    # Logged in as after the login form: the frontend keeps
                    # its tokens in localStorage.
                    tokens = json.dumps(client.browser_tokens())
                    await context.add_init_script(
                        f"window.localStorage.setItem('hassTokens', {json.dumps(tokens)});"
                    )
                    page = (
                        context.pages[0] if context.pages else await context.new_page()
                    )
                    yield Journey(
                        page=page,
                        hass=hass,
                        client=client,
                        sim=ControlApi(session, simulator.control_url),
                        session=session,
                        failures_dir=tmp_path / "failures",
                        pictures_dir=Path(pictures) if pictures else None,
                    )
                    await context.close()
    finally:
        for process in (hass, simulator):
            await process.stop(timeout=30)
    # As tests/conftest.py does for the in-process tests.
    reports = hass.deprecation_reports()
    assert not reports, "Home Assistant reported deprecated or wrong API use:\n" + (
        "\n".join(reports)
    )
