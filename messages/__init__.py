"""User-visible text: templates per language, labels, formatting."""

from messages.render import LANGUAGES, all_labels, label, render

__all__ = ["LANGUAGES", "all_labels", "label", "render"]
