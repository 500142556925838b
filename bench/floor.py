"""The engine floor: raw WeasyPrint over pre-rendered leaflet HTML in one process.

Run by bench/run.py as its own process: `python bench/floor.py HTML_DIR OUT_DIR BRAND`.
It reuses one FontConfiguration, the parsed stylesheets and the image cache for every
document, which is the best case WeasyPrint allows; nothing of leafpress runs while timing
except `brand_css`, the one-line string of brand colours.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> None:
    """Render every HTML file in HTML_DIR to OUT_DIR and print the render loop's seconds."""
    html_dir, out_dir, brand_path = (Path(arg) for arg in sys.argv[1:4])
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from leafpress.model.brand import load_brand
    from leafpress.render.pdf import PDF_VARIANT, brand_css

    brand = load_brand(brand_path)
    fonts = FontConfiguration()
    stylesheets = [weasyprint.CSS(string=brand_css(brand), font_config=fonts),
                   weasyprint.CSS(filename=brand.styles / "leaflet.css", font_config=fonts),
                   weasyprint.CSS(filename=brand.styles / "a4.css", font_config=fonts)]
    cache: dict = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for page in sorted(html_dir.glob("*.html")):
        base = (html_dir / page.with_suffix(".base").name).read_text().strip()
        document = weasyprint.HTML(string=page.read_text(encoding="utf-8"), base_url=base).render(
            stylesheets=stylesheets, font_config=fonts, cache=cache, pdf_variant=PDF_VARIANT,
            presentational_hints=False)
        (out_dir / page.with_suffix(".pdf").name).write_bytes(
            document.write_pdf(pdf_variant=PDF_VARIANT))
    sys.stdout.write(f"{time.perf_counter() - started:.4f}\n")


if __name__ == "__main__":
    main()
