"""Margin user-data and risk streams over WebSocket (placeholder, filled below)."""
