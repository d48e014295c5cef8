"""Library version and the User-Agent every outgoing request carries."""

__version__ = "0.1.0"
SOFTWARE_NAME = "entraide"
PROJECT_URL = "https://w3id.org/entraide"
USER_AGENT = f"Entraide/{__version__} (+{PROJECT_URL})"
