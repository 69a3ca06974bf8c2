"""Articles in, analysed documents out. Never imports Textual."""
