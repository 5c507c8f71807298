"""The catalog of typologies: labels, legal categories, what settles an open answer, securing guides."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ServiceDep
from api.problems import errors

router = APIRouter(
    prefix="/api/v1", tags=["catalog"], responses=errors({404: ("unknown_typology",), 503: ("model_unavailable",)})
)


@router.get("/typologies", summary="Every typology, with its legal answer and securing guide")
async def typologies(service: ServiceDep) -> dict[str, Any]:
    return service.catalog.to_dict()


@router.get("/typologies/{key}", summary="One typology")
async def typology(key: str, service: ServiceDep) -> dict[str, Any]:
    return service.catalog.typology_dict(service.catalog.get(key))
