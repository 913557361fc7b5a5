"""Helpers shared by every part of the suite: raw SOAP and form clients, the CLI server as a
subprocess, and the checkout's paths. None of them imports fakeprojector."""
