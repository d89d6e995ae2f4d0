"""Admin of the registrations app: lists, actions, exports, panels (see `.admin`)."""

from .admin import actions, cancellation, exports, panels, viewsets  # noqa: F401
