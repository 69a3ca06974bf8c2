"""The Textual app. The only package that imports Textual (lazily: the CLI's
headless commands never load it)."""
