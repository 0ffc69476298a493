"""``python -m evidex.eval retrieval --dataset scifact`` (same as ``evidex eval retrieval``)."""
from . import eval_command

eval_command(prog_name="python -m evidex.eval")
