"""The catalog of typologies: labels, legal categories, what settles an open answer, securing guides."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServiceDep
from api.problems import SERVICE, VALIDATION, errors
from basegun.answering.catalog_models import CatalogAnswer, TypologyEntry

router = APIRouter(prefix="/api/v1", tags=["catalog"], responses=errors(SERVICE))


@router.get("/typologies", summary="Every typology, with its legal answer and securing guide")
async def typologies(service: ServiceDep) -> CatalogAnswer:
    return service.catalog_answer()


@router.get("/typologies/{key}", summary="One typology", responses=errors(VALIDATION, {404: ("unknown_typology",)}))
async def typology(key: str, service: ServiceDep) -> TypologyEntry:
    return service.typology_entry(key)
