"""urbandiplo: the backend of a city's office for Europe and international affairs."""

__version__ = "0.1.0"
