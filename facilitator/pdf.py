"""HTML to PDF with WeasyPrint, which needs Pango from the system."""

from django.template.loader import render_to_string


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries are missing on this machine."""


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict:
    # The report is self-contained (inline styles, inline SVG); fetching anything named in
    # exercise text would let a player's words make the server open URLs.
    raise ValueError(f"the PDF does not load external resources ({url[:80]})")


def render_pdf(template: str, context: dict) -> bytes:
    try:
        from weasyprint import HTML  # imported on use: it loads Pango, which may be missing
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(
            "PDF export needs WeasyPrint's system libraries (Pango). Install them, e.g. apt-get install "
            "libpango-1.0-0 libpangoft2-1.0-0, or use events.csv and the review page meanwhile."
        ) from exc
    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
