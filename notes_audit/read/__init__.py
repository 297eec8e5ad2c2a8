"""Read and validate the inputs of SPEC §2: notes, claim lines, the provider roster."""

from notes_audit.read.claims import ClaimsRead, read_claims
from notes_audit.read.notes import NotesReader, read_notes
from notes_audit.read.records import ClaimLine, Note, Rejected, RosterEntry
from notes_audit.read.roster import RosterRead, read_roster, read_roster_checked

__all__ = ["ClaimLine", "ClaimsRead", "Note", "NotesReader", "Rejected", "RosterEntry", "RosterRead",
           "read_claims", "read_notes", "read_roster", "read_roster_checked"]
