"""Result sources: each yields ResultRows (and calendar entries) for the ingester."""
