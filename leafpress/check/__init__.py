"""What `check` tells authors: the rules, their report, and the prose they measure."""
