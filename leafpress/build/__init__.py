"""Planning against the manifest, rendering on workers, writing outputs atomically."""
