"""pytest plugin (placeholder until the fixture lands): registered via ``pytest11``."""
