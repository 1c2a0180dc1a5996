"""Sources: settings, discovery, front matter, sections and manuscript assembly; nothing is converted here."""
