"""The brand images Home Assistant shows for the integration."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
import pytest

BRAND = Path(__file__).parent.parent / "custom_components" / "clicksend_sms" / "brand"


def _open(name: str) -> Image.Image:
    with Image.open(BRAND / name) as image:
        assert image.format == "PNG"
        image.load()
        return image


@pytest.mark.parametrize(("name", "side"), [("icon.png", 256), ("icon@2x.png", 512)])
def test_icons(name: str, side: int) -> None:
    """The icons are square, of the size Home Assistant asks, on transparency."""
    image = _open(name)
    assert image.size == (side, side)
    assert image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize("prefix", ["", "dark_"])
def test_logos(prefix: str) -> None:
    """The logos are landscape, 128 to 256 px high, the @2x twice the other."""
    logo = _open(f"{prefix}logo.png")
    double = _open(f"{prefix}logo@2x.png")
    assert logo.mode == double.mode == "RGBA"
    assert 128 <= logo.height <= 256
    assert logo.width > 2 * logo.height
    assert double.size == (2 * logo.width, 2 * logo.height)
    assert logo.getpixel((logo.width - 1, logo.height - 1))[3] == 0


def test_only_known_images() -> None:
    """Nothing but the images Home Assistant serves lies in brand/."""
    assert sorted(path.name for path in BRAND.iterdir()) == [
        "dark_logo.png",
        "dark_logo@2x.png",
        "icon.png",
        "icon@2x.png",
        "logo.png",
        "logo@2x.png",
    ]
