"""Plumbing every app uses, below ``units``: it imports no app of ours.

Private storage and upload checks, the versioned-model (optimistic lock) helper, text folding
for search, absolute URLs, the audit actor, permissions and the outbox. See docs/ARCHITECTURE.md.
"""
