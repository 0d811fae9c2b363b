"""One module per schema version; never edit a shipped one, add the next."""
