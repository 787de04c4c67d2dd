"""The jobs medsec knows: the built-in ones, those other domains list in their `tasks` module
(the hook: a module named in TASK_MODULES with `JOBS: list[JobSpec]`, for example the lifecycle
domain's end-of-support notices later), and any registered at run time with ``register``."""

from __future__ import annotations

import importlib
from typing import Any

from medsec.errors import NotFound
from medsec.jobs.schemas import JobContext, JobSpec

HOUR = 3600
DAY = 24 * HOUR

# each has JOBS: list[JobSpec]
TASK_MODULES: tuple[str, ...] = ("medsec.cvd.tasks", "medsec.incidents.tasks")

_registered: dict[str, JobSpec] = {}


def register(spec: JobSpec) -> JobSpec:
    """Add a scheduled job (for example the lifecycle domain's end-of-support notices)."""
    _registered[spec.name] = spec
    return spec


def _feed_sync(ctx: JobContext) -> dict[str, Any]:
    from medsec.vulns import sources, sync

    results = sync.sync_feeds(
        ctx.uow,
        config=sources.load_config(ctx.settings.feed_environ),
        work_dir=ctx.settings.home / "tmp" / "feed-sync",
        actor=ctx.actor,
        kinds=ctx.settings.job_feeds or None,
        import_max_bytes=max(ctx.settings.max_document_bytes, 512 * 1024 * 1024),
    )
    failed = {r.name: r.error for r in results if r.error}
    if failed and len(failed) == len(results):
        raise RuntimeError(
            "every feed failed: " + "; ".join(f"{k}: {v}" for k, v in failed.items())
        )
    return {
        "feeds": {r.name: r.status for r in results},
        "failed": failed,
        "records": sum(r.totals.get("records", 0) for r in results),
    }


def _rematch(ctx: JobContext) -> dict[str, Any]:
    from medsec.findings import service as findings

    with ctx.uow() as session:
        report = findings.match(session, actor=ctx.actor)
    return {
        "releases_full": report.releases_full,
        "releases_incremental": report.releases_incremental,
        "new": report.new,
        "resolved": report.resolved,
        "reopened": report.reopened,
    }


def _deliver(ctx: JobContext) -> dict[str, Any]:
    from medsec.notifications import service as notifications

    return notifications.deliver_due(ctx.uow, ctx.settings).model_dump()


BUILTIN = (
    JobSpec(
        "feed-sync", "Download the public feeds (or their mirrors) and import", DAY, _feed_sync
    ),
    JobSpec(
        "rematch", "Re-match releases against changed records; tell new findings", HOUR, _rematch
    ),
    JobSpec(
        "notifications-deliver", "Send the notifications due (retries with backoff)", 60, _deliver
    ),
)


def specs() -> list[JobSpec]:
    """Every job: the built-in ones, the domains' (TASK_MODULES), then the registered ones."""
    out = {s.name: s for s in BUILTIN}
    for module in TASK_MODULES:
        out.update({s.name: s for s in importlib.import_module(module).JOBS})
    out.update(_registered)
    return list(out.values())


def spec(name: str) -> JobSpec:
    """One job by name; NotFound naming the known ones."""
    for s in specs():
        if s.name == name:
            return s
    raise NotFound(f"no job {name!r}; one of: {', '.join(s.name for s in specs())}")
