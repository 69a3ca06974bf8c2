"""The annotation schema, the TinyDB store, and export. Never imports Textual."""
