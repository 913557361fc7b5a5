"""Hostile input, load and secrets: the fake never falls over and never leaks (issue 7)."""
