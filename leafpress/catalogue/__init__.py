"""The reception catalogue page beside the outputs."""
