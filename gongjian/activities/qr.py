"""The printable QR code of an activity's check-in page."""

import segno


def qr_svg(url: str, scale: int = 8) -> str:
    """Inline SVG (no external file, so the print page works offline)."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=scale, dark="#000", light="#fff", border=2, omitsize=True)
