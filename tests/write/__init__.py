"""Tests of notes_audit.write."""
