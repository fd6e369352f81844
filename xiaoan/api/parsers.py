"""The API's request bodies: a JSON body is one object, or it is refused with 400.

Every operation of the API takes named fields. A list, a string, a number or `null` at the top
of a JSON body used to reach the views as data they could not read (a 500); it is refused here,
once, for every operation, in the request's language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ObjectJSONParser(JSONParser):
    """JSON whose top level is an object (`{…}`)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(gettext("The request body must be a JSON object of named fields."))
        return data
