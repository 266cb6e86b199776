"""Multilingual print brochures and fact sheets for local governments, rendered by WeasyPrint."""

__version__ = "0.1.0"
