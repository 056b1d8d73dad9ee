"""Errors any layer may raise, with the meaning every door gives them."""


class NotFound(Exception):
    """Nothing the caller may see by that name: a page answers 404 and the API its
    not-found code. Raised by services, which never raise Django's Http404."""
