"""The data: the brand, a source's front matter and body, the validated Leaflet."""
