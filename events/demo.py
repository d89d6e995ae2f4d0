"""Demo builder for this app (idempotent); called by `load_demo_data`."""


def build(home, stdout=None, **options):
    """Create this app's demo content below `home`. Filled in by the app's issue."""
    return None
