"""Validation of search parameters (the same for the page and the API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.ingest.sanitize import strip_bidi_controls
from search.service import FACETS, SORTS, SearchParams

MAX_VALUES_PER_FILTER = 20


class RepeatableField(forms.Field):
    """A parameter that may be given several times (?source=a&source=b)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        values = value if isinstance(value, (list, tuple)) else ([value] if value else [])
        cleaned = list(dict.fromkeys(str(v).strip()[:200] for v in values if str(v).strip()))
        if len(cleaned) > MAX_VALUES_PER_FILTER:
            raise forms.ValidationError(
                _("At most %(n)d values per filter."), params={"n": MAX_VALUES_PER_FILTER}
            )
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    sort = forms.ChoiceField(required=False, choices=[(s, s) for s in SORTS])
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these fields cannot be declared as attributes.
        self.fields["from"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        self.fields["to"] = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
        for name in FACETS:
            self.fields[name] = RepeatableField(required=False)

    def clean_q(self):
        # Matching ignores bidi controls anyway; echoed in the page they could reorder it.
        return strip_bidi_controls(self.cleaned_data.get("q") or "")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def to_params(self, per_page: int) -> SearchParams:
        data = self.cleaned_data
        return SearchParams(
            q=data.get("q") or "",
            filters={name: data.get(name) or [] for name in FACETS},
            date_from=data.get("from"),
            date_to=data.get("to"),
            sort=data.get("sort") or "",
            page=data.get("page") or 1,
            per_page=per_page,
        )
