"""Forms for the analyst."""

from __future__ import annotations

from django import forms


class ThemeEditForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
