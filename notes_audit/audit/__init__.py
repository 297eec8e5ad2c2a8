"""Linking claim lines to notes, and running the policy's checks on every line."""

from notes_audit.audit.engine import Auditor, audit_encounter, audit_lines
from notes_audit.audit.linker import NoteIndex, needed_note_ids

__all__ = ["Auditor", "NoteIndex", "audit_encounter", "audit_lines", "needed_note_ids"]
