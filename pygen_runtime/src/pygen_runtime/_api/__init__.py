"""CDF's data-modeling API, one module per endpoint group, sync and async over one core."""
