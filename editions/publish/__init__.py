"""Publish: staging, the move into output/, the manifest and the site's landing pages."""
