"""Wiring: settings, the Application factory, error handling."""
