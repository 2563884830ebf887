from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from audit.api.deps import CatalogueDep, ConfigsDep, OperatorDep
from audit.domain.catalogue import CatalogueItem
from shared.problems import not_found

router = APIRouter(tags=["library"], dependencies=[OperatorDep])


@router.get("/v1/rules")
async def get_rules(configs: ConfigsDep) -> dict[str, Any]:
    """The rule base (规则库): every rule with its family, severity, whether it is clear-cut, its source and
    its default parameters with their schema."""
    return {"rules": [rule.describe() for rule in configs.library.values()]}


@router.get("/v1/rules/{rule_id}")
async def get_rule(rule_id: str, configs: ConfigsDep) -> dict[str, Any]:
    rule = configs.library.get(rule_id)
    if rule is None:
        raise not_found(f"rule {rule_id}")
    return rule.describe()


@router.get("/v1/catalogue")
async def get_catalogue(catalogue: CatalogueDep,
                        q: Annotated[str | None, Query(max_length=50)] = None) -> dict[str, Any]:
    """The knowledge base (知识库): the medical catalogue the rules check against; ``q`` filters by code or
    name."""
    items = [i for i in catalogue if q is None or q in i.med_list_codg or q in i.name]
    return {"items": [_item(i) for i in items]}


@router.get("/v1/catalogue/{med_list_codg}")
async def get_catalogue_item(med_list_codg: str, catalogue: CatalogueDep) -> dict[str, Any]:
    item = catalogue.get(med_list_codg)
    if item is None:
        raise not_found(f"catalogue item {med_list_codg}")
    return _item(item)


def _item(i: CatalogueItem) -> dict[str, Any]:
    return {"med_list_codg": i.med_list_codg, "name": i.name, "chrgitm_type": i.chrgitm_type, "unit": i.unit,
            "kind": i.kind, "price_ceiling": f"{i.price_ceiling:.2f}" if i.price_ceiling is not None else None,
            "sex_limit": i.sex_limit, "age_min": i.age_min, "age_max": i.age_max,
            "max_daily_qty": format(i.max_daily_qty, "f") if i.max_daily_qty is not None else None,
            "indications": list(i.indications)}
