"""The parse stage: what a person typed becomes a typed query, or a clear error.

* :mod:`locator.parse.parser`: the parser (:class:`QueryParser`) and the query
  types it gives (a :data:`UKPostcode` at one of its four levels, :class:`PostcodeArea`,
  :class:`PostcodeDistrict`, :class:`PostcodeSector` or :class:`PostcodeUnit`, :class:`Eircode`, :class:`PlaceName`,
  :class:`AreaName`, in a :class:`ParsedQuery`);
* the modules only it uses: :mod:`~locator.parse.extract` (the one code inside
  an address or sentence), :mod:`~locator.parse.slips` (O for 0, I for 1),
  :mod:`~locator.parse.nonplaces` (phone numbers, emails, formulae),
  :mod:`~locator.parse.outside` (overseas and forces codes) and
  :mod:`~locator.parse.special` (special, non-geographic and retired postcodes).

The next stage, :mod:`locator.locating`, takes a :class:`ParsedQuery`.
"""

from locator.parse.parser import (
    MAX_QUERY_LENGTH,
    AreaName,
    Code,
    Eircode,
    ParsedQuery,
    PlaceName,
    PostcodeArea,
    PostcodeDistrict,
    PostcodeSector,
    PostcodeUnit,
    Query,
    QueryParser,
    UKPostcode,
    clean,
    default_parser,
    parse,
    parser_for,
    unit_key,
)

__all__ = ["MAX_QUERY_LENGTH", "AreaName", "Code", "Eircode", "ParsedQuery", "PlaceName", "PostcodeArea",
           "PostcodeDistrict", "PostcodeSector", "PostcodeUnit", "Query", "QueryParser", "UKPostcode", "clean",
           "default_parser", "parse", "parser_for", "unit_key"]
