"""Build an information-disclosure website from Korean public bodies' annual work-plan data."""

__version__ = "0.1.0"
