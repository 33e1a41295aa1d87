"""Storage: SQLAlchemy 2 async engine, tables, repositories, unit of work and migrations."""
