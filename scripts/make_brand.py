# Copyright 2026 The ClickSend SMS for Home Assistant authors. MIT License.
"""Draw the integration's brand images: our own artwork, not ClickSend's logo.

Run with `scripts/env python scripts/make_brand.py`. It writes, in
custom_components/clicksend_sms/brand/ (where Home Assistant looks for a
custom integration's images):

- icon.png, icon@2x.png: a speech bubble with a send arrow, 256 and 512 px;
- logo.png, logo@2x.png: the icon and the wordmark "ClickSend Two-Way SMS", 128 and
  256 px high (the second twice the first), with dark text for light themes;
- dark_logo.png, dark_logo@2x.png: the same with light text for dark themes.

Everything is drawn from shapes (and Pillow's own scalable font for the
wordmark) at four times the size, then scaled down, so the edges are smooth
and the output is the same on every machine with the same Pillow.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BRAND = Path(__file__).resolve().parent.parent / "custom_components/clicksend_sms/brand"
# Drawn this many times larger, then scaled down: anti-aliasing.
SUPERSAMPLE = 4
# The icon is designed on a 512-unit square.
UNITS = 512

# An emerald gradient, top left to bottom right.
GRADIENT_START = (52, 211, 153)
GRADIENT_END = (4, 120, 87)
ARROW = (255, 255, 255, 255)
TEXT_ON_LIGHT = (31, 41, 55, 255)
TEXT_ON_DARK = (243, 244, 246, 255)
ACCENT_ON_LIGHT = (5, 150, 105, 255)
ACCENT_ON_DARK = (52, 211, 153, 255)

# The bubble: a rounded rectangle and a tail at its bottom left (units).
BODY = (16, 40, 496, 392)
BODY_RADIUS = 104
TAIL = ((112, 360), (72, 488), (224, 384))
# A "send" arrow: a dart with a notch, pointing right (units of a 24 box).
ARROW_SHAPE = ((2, 3), (23, 12), (2, 21), (2, 14), (16, 12), (2, 10))
ARROW_SCALE = 10.5
ARROW_CENTRE = (270, 216)

ICON_SIZES = {"icon.png": 256, "icon@2x.png": 512}
# logo.png's height; logo@2x.png is twice as high and twice as wide.
LOGO_HEIGHT = 128
WORDMARK = ("ClickSend", " Two-Way SMS")


def gradient(size: tuple[int, int]) -> Image.Image:
    """Fill an image with the diagonal gradient."""
    width, height = size
    # A small diagonal ramp, scaled up smoothly: cheap and without banding.
    steps = 256
    ramp = Image.new("RGBA", (steps, steps))
    pixels = ramp.load()
    assert pixels is not None
    for y in range(steps):
        for x in range(steps):
            t = (x + y) / (2 * (steps - 1))
            pixels[x, y] = (
                *(
                    round(start + (end - start) * t)
                    for start, end in zip(GRADIENT_START, GRADIENT_END, strict=True)
                ),
                255,
            )
    return ramp.resize((width, height), Image.Resampling.BICUBIC)


def draw_icon(scale: float) -> Image.Image:
    """Draw the bubble and arrow on a transparent square of UNITS * scale."""
    side = round(UNITS * scale)

    def at(x: float, y: float) -> tuple[float, float]:
        return (x * scale, y * scale)

    mask = Image.new("L", (side, side), 0)
    shape = ImageDraw.Draw(mask)
    shape.rounded_rectangle(
        (*at(*BODY[:2]), *at(*BODY[2:])), radius=BODY_RADIUS * scale, fill=255
    )
    shape.polygon([at(*point) for point in TAIL], fill=255)
    icon = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    icon.paste(gradient((side, side)), (0, 0), mask)

    centre_x, centre_y = ARROW_CENTRE
    arrow = [
        at(centre_x + (x - 12.5) * ARROW_SCALE, centre_y + (y - 12) * ARROW_SCALE)
        for x, y in ARROW_SHAPE
    ]
    ImageDraw.Draw(icon).polygon(arrow, fill=ARROW)
    return icon


def trim_to_square(image: Image.Image) -> Image.Image:
    """Crop to what is drawn, and centre that on a square."""
    box = image.getbbox()
    assert box is not None
    content = image.crop(box)
    side = max(content.size)
    square = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    square.paste(content, ((side - content.width) // 2, (side - content.height) // 2))
    return square


def scale_down(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Resize with premultiplied alpha, so no dark fringe shows at the edges."""
    return image.convert("RGBa").resize(size, Image.Resampling.LANCZOS).convert("RGBA")


def clean(image: Image.Image) -> Image.Image:
    """Zero the colour of fully transparent pixels: smaller, cleaner files."""
    alpha = image.getchannel("A")
    empty = Image.new("RGBA", image.size, (0, 0, 0, 0))
    return Image.composite(image, empty, alpha.point(lambda a: 255 if a else 0))


def draw_trimmed_icon(side: int) -> Image.Image:
    """Draw the icon, trimmed and centred on a square about side pixels wide."""
    # The bubble is as wide as the square and less tall than that.
    return trim_to_square(draw_icon(side / (BODY[2] - BODY[0])))


def make_icon(size: int) -> Image.Image:
    """Make the square icon, size pixels a side."""
    big = draw_trimmed_icon(size * SUPERSAMPLE)
    return clean(scale_down(big, (size, size)))


def draw_logo(text: tuple[int, ...], accent: tuple[int, ...]) -> Image.Image:
    """Draw the logo, the icon and then the wordmark, large and trimmed."""
    big_height = LOGO_HEIGHT * 2 * SUPERSAMPLE
    icon = draw_trimmed_icon(big_height)
    icon = scale_down(icon, (big_height, big_height))
    font = ImageFont.load_default(size=round(big_height * 0.42))
    # A little stroke in the text's own colour: a semibold from a regular font.
    stroke = max(1, round(big_height * 0.012))
    gap = round(big_height * 0.16)
    words = [(WORDMARK[0], text), (WORDMARK[1], accent)]
    widths = [round(font.getlength(word)) + 2 * stroke for word, _ in words]
    width = big_height + gap + sum(widths) + 2 * stroke
    logo = Image.new("RGBA", (width, big_height), (0, 0, 0, 0))
    logo.paste(icon, (0, 0), icon)
    draw = ImageDraw.Draw(logo)
    # Centre the letters on the bubble's body, not on the tail below it.
    # The trimmed square is as wide as the body; what is drawn, from the
    # body's top to the tail's tip, sits in its middle.
    side, drawn = BODY[2] - BODY[0], TAIL[1][1] - BODY[1]
    body_middle = (side - drawn) / 2 + (BODY[3] - BODY[1]) / 2
    _, top, _, bottom = font.getbbox("".join(WORDMARK), stroke_width=stroke)
    body_centre = big_height * body_middle / side
    y = body_centre - (top + bottom) / 2
    x = big_height + gap
    for (word, colour), word_width in zip(words, widths, strict=True):
        draw.text(
            (x, y),
            word,
            font=font,
            fill=colour,
            stroke_width=stroke,
            stroke_fill=colour,
        )
        x += word_width
    return logo.crop(logo.getbbox())


def save(image: Image.Image, name: str) -> None:
    """Write an optimised PNG and say so."""
    path = BRAND / name
    image.save(path, optimize=True)
    print(
        f"{path.relative_to(BRAND.parent.parent.parent)}: {image.width}x{image.height}, "
        f"{path.stat().st_size / 1024:.1f} KiB"
    )


def main() -> None:
    """Draw every image."""
    BRAND.mkdir(exist_ok=True)
    for name, size in ICON_SIZES.items():
        save(make_icon(size), name)
    for prefix, text, accent in (
        ("", TEXT_ON_LIGHT, ACCENT_ON_LIGHT),
        ("dark_", TEXT_ON_DARK, ACCENT_ON_DARK),
    ):
        logo = draw_logo(text, accent)
        width = round(logo.width * LOGO_HEIGHT / logo.height)
        for suffix, factor in (("", 1), ("@2x", 2)):
            size = (width * factor, LOGO_HEIGHT * factor)
            save(clean(scale_down(logo, size)), f"{prefix}logo{suffix}.png")


if __name__ == "__main__":
    main()
