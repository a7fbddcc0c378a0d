import zipfile

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongjian.lib.excel import WorkbookTooLarge, check_archive

from .sheets import importers_for, too_large_message


def check_xlsx(upload):
    """Size, then content: an .xlsx is a zip holding [Content_Types].xml and a workbook part,
    whose parts do not unpack to more than an import needs (zip bombs).

    The extension and the browser's content type are not trusted (SECURITY.md item 11).
    """
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="file_too_large",
            params={"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)},
        )
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    names, too_large = set(), False
    if head == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                check_archive(archive)
        except WorkbookTooLarge:
            too_large = True
        except (zipfile.BadZipFile, OSError, ValueError):
            names = set()
        finally:
            upload.seek(0)
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise ValidationError(_("Upload an Excel workbook (.xlsx); this file is not one."), code="file_type")
    if too_large:
        raise ValidationError(too_large_message(), code="file_too_large")
    return upload


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"), widget=forms.RadioSelect)
    file = forms.FileField(label=_("Excel file (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = [(cls.kind, cls.label) for cls in importers_for(user)]
        self.fields["file"].widget.attrs["class"] = "form-control"

    def clean_file(self):
        return check_xlsx(self.cleaned_data["file"])
