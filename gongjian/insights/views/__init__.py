from .dashboard import dashboard, dashboard_export, figure_records, workbench
from .documents import document_create, document_detail, document_download, document_list

__all__ = ["dashboard", "dashboard_export", "document_create", "document_detail", "document_download", "document_list", "figure_records", "workbench"]
