"""Audiences as an asset: the files marketing tools import, written after the marts pass.

Which audiences to write is a setting (`CDP_AUDIENCES`, `segment:channel` pairs,
default `champions:email`); each run rewrites each file under `CDP_AUDIENCE_DIR`
(default `<state dir>/audiences`) with the customers who may be contacted now. The
asset sits downstream of `dim_customers` and `customer_consent`, so their blocking
checks (consent values in domain, no erased subject present) stop it, and its own
blocking check reads the files back: nobody without consent, nobody suppressed.
"""

from __future__ import annotations

import os
from pathlib import Path

from dagster import AssetKey, AutomationCondition, MaterializeResult, MetadataValue, asset

from activation.audience import AudienceError, export_audience
from orchestration.groups import ACTIVATION, OWNERS
from orchestration.resources import WarehouseResource
from orchestration.settings import state_dir
from quality.privacy.identifiers import load_salt
from quality.privacy.suppression import Suppressions, active_hashes

AUDIENCES = AssetKey(["activation", "audiences"])
DEFAULT_AUDIENCES = "champions:email"


def configured_audiences(raw: str | None = None) -> list[tuple[str, str]]:
    """`segment:channel` pairs from `CDP_AUDIENCES` (comma separated)."""
    text = raw if raw is not None else os.environ.get("CDP_AUDIENCES", DEFAULT_AUDIENCES)
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        segment, sep, channel = item.partition(":")
        if not sep or not segment or not channel:
            raise ValueError(f"CDP_AUDIENCES: {item!r} is not segment:channel "
                             "(e.g. champions:email)")
        pairs.append((segment.strip(), channel.strip()))
    return pairs


def audience_dir() -> Path:
    raw = os.environ.get("CDP_AUDIENCE_DIR")
    return Path(raw).expanduser().resolve() if raw else state_dir() / "audiences"


@asset(key=AUDIENCES, group_name=ACTIVATION, owners=OWNERS[ACTIVATION],
       kinds={"python", "csv"}, pool="warehouse",
       # rewritten whenever the marts it reads change, in whichever run built them
       automation_condition=AutomationCondition.eager(),
       deps=[AssetKey(["marts", "dim_customers"]), AssetKey(["marts", "customer_consent"])],
       description="CSV audiences (CDP_AUDIENCES, segment:channel pairs) of the customers "
                   "with current consent on the channel and not suppressed; each export is "
                   "registered in governance.audience_exports so an erasure finds it.")
def audiences(context, warehouse: WarehouseResource) -> MaterializeResult:
    wanted = configured_audiences()
    folder = audience_dir()
    lines = ["| segment | channel | exported | excluded | why excluded |",
             "| --- | --- | ---: | ---: | --- |"]
    exported = 0
    with warehouse.connect() as con:
        suppressions = Suppressions(load_salt(state_dir()), active_hashes(con))
        for segment, channel in wanted:
            try:
                export = export_audience(con, segment, channel,
                                         folder / f"{segment}-{channel}.csv", suppressions)
            except AudienceError as error:
                # a segment nobody is in today is not a failure; a bad channel is
                if "unknown segment" not in str(error):
                    raise
                context.log.warning("audience %s:%s skipped: %s", segment, channel, error)
                lines.append(f"| {segment} | {channel} | 0 | 0 | segment is empty today |")
                continue
            exported += export.exported
            why = ", ".join(f"{reason}: {n:,}" for reason, n in sorted(export.excluded.items()))
            lines.append(f"| {segment} | {channel} | {export.exported:,} "
                         f"| {sum(export.excluded.values()):,} | {why} |")
        sizes = con.execute("""
            select coalesce(rfm_segment, '(none)'), count(*),
                   sum(case when can_email then 1 else 0 end),
                   sum(case when can_sms then 1 else 0 end)
            from marts.dim_customers group by 1 order by 2 desc""").fetchall()
    segments = ["| segment | customers | may be emailed | may be texted |",
                "| --- | ---: | ---: | ---: |"]
    segments += [f"| {name} | {n:,} | {email:,} | {sms:,} |" for name, n, email, sms in sizes]
    return MaterializeResult(metadata={
        "segment_sizes": MetadataValue.md("\n".join(segments)),
        "audiences": len(wanted),
        "customers_exported": exported,
        "folder": MetadataValue.path(str(folder)),
        "audiences_table": MetadataValue.md("\n".join(lines)),
    })


activation_assets = [audiences]
