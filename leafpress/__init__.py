"""leafpress: turn a clinic's Markdown articles into branded, accessible PDF leaflets."""

__version__ = "0.1.0"
