"""Tools for authors: new, watch with its preview, doctor."""
