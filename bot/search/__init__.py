"""Finding athletes and competitions by what a fan types: name folding and the in-memory indexes."""
