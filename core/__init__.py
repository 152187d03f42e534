"""Plumbing every app uses, below ``units``: it imports no app of ours.

- ``permissions``: ``can`` / ``require``, the one way to ask the apps' rules (through each app's access.py)
- ``storage``: private storage (files without a URL, streamed by views after their access check)
- ``uploads``: upload checks by content, and the one bounded-decompression check of archives
- ``versioning``: the optimistic lock (``update_versioned``, ``check_version``) and its one message
- ``text`` and ``search``: diacritic-insensitive folding, in Python and in SQL
- ``links``: absolute URLs for e-mails; ``audit``: the actor the audit log records

See docs/ARCHITECTURE.md.
"""
