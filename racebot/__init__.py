"""racebot's composition root: the only package that wires adapters and storage to the core."""
