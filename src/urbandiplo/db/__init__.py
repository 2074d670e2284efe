"""SQLAlchemy 2 persistence: tables, repositories implementing the domain's ports, unit of work."""
