"""Postal mail: scanned letters, OCR, the mail-room watched folder."""
