"""The FastAPI application: a thin HTTP layer over `basegun.service.Basegun`, which also serves the web app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from prometheus_client import CollectorRegistry
from starlette.concurrency import run_in_threadpool

from api import docs, logs, metrics, problems, uploads
from api.clients import networks
from api.inference import InferencePool
from api.middleware import Admission, BodyLimit, CrossSiteGuard, RateLimit, ReadinessGate, RequestContext
from api.routes import (
    accounts,
    alarm,
    batches,
    expert_requests,
    feedback,
    health,
    identify,
    markings,
    measure,
    models,
    replica,
    typologies,
)
from basegun import __version__
from basegun.accounts.oidc import OidcVerifier
from basegun.answering.markings.reader import MAX_PHOTOS as MAX_MARKINGS_PHOTOS
from basegun.errors import ModelUnavailable
from basegun.jobs.metrics import JobQueueCollector
from basegun.jobs.runtime import Jobs
from basegun.records.expert_requests import MAX_PHOTOS
from basegun.runtime.readiness import Dependency, Readiness, ReadinessChecks
from basegun.service import Basegun
from basegun.settings import Settings, get_settings

log = logging.getLogger("basegun.api")

UPLOAD_OVERHEAD = 256 * 1024  # multipart boundaries and headers around the photo
# What a request costs against the client's rate limit: a batch is many photos.
COST_BY_PATH = {batches.PATH: 10}


class StartupError(RuntimeError):
    """A model could not be loaded: the service must not start half-working."""


def provider_origins(settings: Settings) -> tuple[str, ...]:
    """The OIDC provider's origin, which the web app calls to sign in (discovery, tokens)."""
    if settings.oidc_issuer is None:
        return ()
    parts = urlsplit(settings.oidc_issuer)
    return (f"{parts.scheme}://{parts.netloc}",)


def dependencies(service: Basegun) -> list[Dependency]:
    """What this replica needs to take work: its database, its object store, its models."""

    def models() -> None:
        if not service.models.sessions():
            raise ModelUnavailable("No model is loaded.")

    needed = [Dependency("models", models)]
    if service.records is not None:
        engine = service.records.database.engine

        def database() -> None:
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))

        needed.append(Dependency("database", database))
    needed.append(Dependency("object_store", service.objects.check))
    return needed


def create_app(settings: Settings | None = None, service: Basegun | None = None) -> FastAPI:
    """The app; `service` is loaded at start-up unless given already loaded (as `basegun serve` does)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        nonlocal service
        if service is None:
            try:
                service = Basegun(settings)
            except ModelUnavailable as exc:
                log.critical("cannot start: %s", exc.detail)
                raise StartupError(exc.detail) from None
        app.state.service = service
        app.state.inference_pool = InferencePool(settings.inference_workers, settings.inference_queue, service.pixels)
        # Batches run beside single identifications on half the inference workers, so that neither starves.
        jobs = Jobs(service, run_here=settings.embedded_worker, weapon_threads=max(1, settings.inference_workers // 2))
        app.state.jobs = jobs
        jobs.start()
        app.state.metrics = CollectorRegistry(auto_describe=False)
        app.state.metrics.register(JobQueueCollector(jobs.counts))
        app.state.readiness = ReadinessChecks(dependencies(service))
        log.info("ready", extra={"models": list(service.models.sessions()), "embedded_worker": jobs.run_here})
        yield
        app.state.readiness.stop()
        app.state.readiness = None
        await run_in_threadpool(jobs.close)
        app.state.inference_pool.shutdown()
        app.state.service = None
        service.close()

    app = FastAPI(
        title="Basegun",
        version=__version__,
        summary="Identify a firearm from a photo: typology, French legal category, making safe.",
        description="Every answer is information only: the legal category of a weapon is settled by an expert.",
        license_info={"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        form_limits={"max_files": 1, "max_fields": 4},  # one photo: the batch route allows more
    )
    app.state.service = None
    app.state.readiness = None
    app.state.metrics = None
    app.state.settings = settings
    app.state.verifier = (
        OidcVerifier(settings.oidc_issuer, settings.oidc_audience, settings.oidc_roles_claim)
        if settings.oidc_issuer
        else None
    )
    problems.install(app)
    uploads.spool_to_disk_beyond(settings.upload_spool_bytes)
    for module in (
        health,
        metrics,
        identify,
        measure,
        typologies,
        models,
        alarm,
        markings,
        replica,
        batches,
        accounts,
        expert_requests,
        feedback,
    ):
        app.include_router(module.router)
    if settings.api_docs:
        app.include_router(docs.router)

    upload_limit = settings.max_upload_bytes + UPLOAD_OVERHEAD
    app.add_middleware(Admission, path=batches.PATH, admit=batches.admit)
    photos_limit = MAX_PHOTOS * settings.max_upload_bytes + UPLOAD_OVERHEAD
    markings_limit = MAX_MARKINGS_PHOTOS * settings.max_upload_bytes + UPLOAD_OVERHEAD

    def limit_for(path: str) -> int | None:
        if path == batches.PATH:
            return batches.BODY_LIMIT
        if path == expert_requests.PATH:
            return photos_limit
        if path == markings.PATH:
            return markings_limit
        return upload_limit if path.startswith("/api/") else None

    app.add_middleware(BodyLimit, limit_for=limit_for, timeout=settings.body_timeout_seconds)
    app.add_middleware(
        RateLimit,
        per_minute=settings.rate_limit_per_minute,
        cost_for=lambda path: COST_BY_PATH.get(path, 1) if path.startswith("/api/") else 0,
    )
    app.add_middleware(CrossSiteGuard, allowed_origins=settings.cors_origins)

    def readiness() -> Readiness | None:
        checks: ReadinessChecks | None = app.state.readiness
        return checks.state() if checks is not None else None

    app.add_middleware(ReadinessGate, state=readiness)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT"],
            allow_headers=["*"],
        )
    app.add_middleware(metrics.HttpMetrics)
    app.add_middleware(
        RequestContext, trusted_proxies=networks(settings.trusted_proxies), connect_to=provider_origins(settings)
    )
    if settings.frontend_dir.is_dir():
        app.mount("/", StaticFiles(directory=settings.frontend_dir, html=True), name="frontend")
    else:
        log.warning("no web app served: %s is not a folder", settings.frontend_dir)
    return app


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory api.app:app_factory`: settings from the environment, JSON logs."""
    settings = get_settings()
    logs.configure(settings.log_level)
    return create_app(settings)
