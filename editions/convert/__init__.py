"""Convert: pandoc (the only caller), its output checked against an allow-list, and the Document."""
