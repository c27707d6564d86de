"""diplograph's runtime: the ASGI app, settings, the store and the repository functions."""
