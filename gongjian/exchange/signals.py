"""Signal handlers for cross-cutting concerns (search index, notifications)."""
