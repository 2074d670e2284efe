"""The office's rules: entities, value types, services and the ports they need (no web, no SQL)."""
