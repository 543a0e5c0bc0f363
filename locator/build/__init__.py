"""Everything made once, ahead of any query: the postcode index and the map's layers.

``python -m locator.build`` (``bin/setup`` runs it) builds each when it is
missing or out of date, and says so when it is not. The query path never
imports this package: :mod:`locator.store` only reads what it wrote.

* :mod:`locator.build.index`: when to build the index, its fingerprint, writing the file;
* :mod:`locator.build.recipe`: what the index holds, from the raw data;
* :mod:`locator.build.packages`: the raw data as installed packages;
* :mod:`locator.build.codepoint`: a newer Code-Point Open release as OS distributes it;
* :mod:`locator.build.areas`: placing counties, islands and nations;
* :mod:`locator.build.map_layers`: the map's who-goes-where picture and town labels.
"""
