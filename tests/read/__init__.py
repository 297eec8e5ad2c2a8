"""Tests of notes_audit.read."""
