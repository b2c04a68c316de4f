"""Telegram handlers, one module per flow; they reach data via `Store` and text via `render()`."""
