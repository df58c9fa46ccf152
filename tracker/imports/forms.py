"""The import forms' input: which kind a file holds."""

from tracker.imports.models import ImportKind
from tracker.validation import FormModel


class UploadInput(FormModel):
    kind: ImportKind
