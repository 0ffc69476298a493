"""Semantic side of retrieval: embedders, the on-disk vector index, and score fusion."""
from .embed import DEFAULT_EMBEDDER, Embedder, embedding_available, get_embedder, settings_hash
from .fusion import DEFAULT_ALPHA, convex, ranked, rrf
from .vectors import SyncReport, VectorIndex, open_index

__all__ = ["DEFAULT_ALPHA", "DEFAULT_EMBEDDER", "Embedder", "SyncReport", "VectorIndex", "convex",
           "embedding_available", "get_embedder", "open_index", "ranked", "rrf", "settings_hash"]
