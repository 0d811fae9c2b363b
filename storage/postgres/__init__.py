"""The PostgreSQL store (asyncpg): the same roles and the same answers as storage.sqlite's."""
