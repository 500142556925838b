"""From a Leaflet to pages: Markdown, the HTML template, the QR code, the fetcher, WeasyPrint."""
