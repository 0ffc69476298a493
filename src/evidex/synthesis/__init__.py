"""Evidence -> Answer: study grouping, verdict, sections and the faithfulness check."""
from .answer import Answer, ask, compose
from .faithfulness import violations

__all__ = ["Answer", "ask", "compose", "violations"]
