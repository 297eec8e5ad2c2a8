"""notes-audit: does the clinical documentation support what was billed?"""

__version__ = "0.1.0"
