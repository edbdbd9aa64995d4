"""Nowhere Left Behind: the Django project (settings, URLs, entry points)."""
