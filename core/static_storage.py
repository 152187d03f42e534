"""The static files of production: hashed names, Brotli/gzip-compressed, cached for a year.

WhiteNoise marks a file immutable (``Cache-Control: max-age=315360000, public, immutable``) only
under its hashed name. A page names its scripts through ``{% static %}`` (hashed), but the ES
modules of the checklist (static/js/checklist/) import one another by relative names
(``import … from "./names.js"``): left as they are, the browser would fetch those modules under
their plain names, which WhiteNoise caches for 60 seconds only. With the JS module support of
ManifestStaticFilesStorage, collectstatic rewrites each ``import``/``export … from`` and
``import("…")`` to the hashed name of its target (and hashes the importer after its imports), so
every module of the graph is a long-cached immutable file, with no JS build step. The offline copy
(static/js/checklist/offline.js) keeps what the page loaded, so it keeps the hashed names too.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
