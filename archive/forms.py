"""Forms for the admin's bulk upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.ingest.formats import supported
from archive.ingest.sanitize import clean_line, strip_bidi_controls


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

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            # A name is shown in the preview and the import report: no bidi control may
            # reorder it ("x<U+202E>txt.exe" reading as "xexe.txt").
            upload.name = strip_bidi_controls(upload.name)
        return files

    # Defaults for the records are stored like the records' own fields: plain text.
    def clean_source(self):
        return clean_line(self.cleaned_data["source"])

    def clean_section(self):
        return clean_line(self.cleaned_data["section"])
