"""Between the index's keys (``records.rowid``) and record ids, and the embedding progress bar."""
from __future__ import annotations

from collections.abc import Sequence

from ..store import SearchFilter, Store, filter_sql


def ids_for(store: Store, rowids: list[int], filt: SearchFilter) -> dict[int, str]:
    out: dict[int, str] = {}
    for i in range(0, len(rowids), 500):
        chunk = rowids[i:i + 500]
        extra, extra_params = filter_sql(filt)
        where = [f"rowid IN ({','.join('?' * len(chunk))})", *extra]
        params = [*chunk, *extra_params]
        out.update(store.conn.execute(f"SELECT rowid, id FROM records WHERE {' AND '.join(where)}", params))
    return out


def rowids_for(store: Store, ids: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        chunk = list(ids[i:i + 500])
        out.update(store.conn.execute(
            f"SELECT id, rowid FROM records WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def progress_bar(enabled: bool, total: int, name: str = "embed"):
    from tqdm import tqdm
    # Passage embedders advance the bar by fractions of a record: show whole records.
    return tqdm(total=total, unit=" rec", desc=f"embed {name}", disable=not enabled, mininterval=0.5,
                dynamic_ncols=True, bar_format="{l_bar}{bar}| {n:,.0f}/{total:,} [{elapsed}<{remaining}, {rate_fmt}]")
