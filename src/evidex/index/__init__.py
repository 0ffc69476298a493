"""Semantic side of retrieval: embedders, the on-disk vector index, and score fusion."""
from .embed import DEFAULT_EMBEDDER, EMBEDDERS, Embedder, embedding_available, get_embedder, settings_hash
from .fusion import DEFAULT_ALPHA, convex, ranked, rrf
from .vectors import (SyncReport, VectorIndex, embedder_name, missing_embedder, open_index, set_embedder_name,
                      store_index)

__all__ = ["DEFAULT_ALPHA", "DEFAULT_EMBEDDER", "EMBEDDERS", "Embedder", "SyncReport", "VectorIndex", "convex",
           "embedder_name", "embedding_available", "get_embedder", "missing_embedder", "open_index", "ranked",
           "rrf", "set_embedder_name", "settings_hash", "store_index"]
