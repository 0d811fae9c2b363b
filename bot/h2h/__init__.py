"""Head-to-head: who met whom (meetings), the record between two athletes (record), how two
names become a pair (pairing), and how a rivalry is told (prose, line)."""
