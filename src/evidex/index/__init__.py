"""Semantic side of retrieval: embedders, the on-disk vector index, and score fusion."""
from .catalog import (add_embedder, drop_embedder, embedder_name, embedder_names, missing_embedder, open_index,
                      set_embedder_name, store_index)
from .embed import DEFAULT_EMBEDDER, EMBEDDERS, Embedder, embedding_available, get_embedder, settings_hash
from .fusion import DEFAULT_ALPHA, blend, convex, ranked, rrf
from .vectors import SyncReport, VectorIndex

__all__ = ["DEFAULT_ALPHA", "DEFAULT_EMBEDDER", "EMBEDDERS", "Embedder", "SyncReport", "VectorIndex", "add_embedder",
           "blend", "convex", "drop_embedder", "embedder_name", "embedder_names", "embedding_available",
           "get_embedder", "missing_embedder", "open_index", "ranked", "rrf", "set_embedder_name",
           "settings_hash", "store_index"]
