"""Safe YAML with lines, cases and runs files, atomic files."""
