"""Forms for the admin's bulk upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.ingest.formats import supported


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return [single(None, initial)]
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "Several files, or a zip of folders. Accepted: %(formats)s. "
            "Encodings are detected (UTF-8, UTF-16, Windows-1256 …)."
        )
        % {"formats": supported()},
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("For articles whose file names none."),
    )
    section = forms.CharField(
        label=_("Section"),
        max_length=200,
        required=False,
        help_text=_("For articles whose file names none."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("detect")), ("ar", _("Arabic")), ("en", _("English"))],
        help_text=_("For articles whose file does not say."),
    )
