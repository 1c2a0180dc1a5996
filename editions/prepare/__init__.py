"""Prepare: what the writers share, made once per edition: chapters, notes, fonts, images, the cover."""
