"""Follow-up: metrics, dashboards and pseudonymised exports (filled in by a later issue)."""
