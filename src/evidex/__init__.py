"""Evidex: an offline clinical evidence engine. Ask a question, get a cited answer."""
__version__ = "0.1.0"
__all__ = ["__version__"]
