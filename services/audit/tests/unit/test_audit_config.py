"""A region's audit configuration (N art.13, JL art.13): the rules' parameters are data an operator changes
per region without a deploy, validated field by field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from audit.domain.config import DEFAULT_SAMPLE_SHARE, AuditConfig, InvalidConfig, parse, parse_override, resolve
from audit.domain.rules import LIBRARY


def by_id(region):
    return {s.rule.rule_id: s for s in region.settings}


def test_a_region_never_configured_runs_every_rule_with_its_defaults():  # N art.13: full coverage
    region = resolve("220100", 0, AuditConfig(), LIBRARY)
    assert [s.rule.rule_id for s in region.enabled] == list(LIBRARY)
    assert region.config.sample_share == DEFAULT_SAMPLE_SHARE and region.config.auto_confirm


def test_overrides_change_one_parameter_and_keep_the_others():  # JL art.13: regional parameters
    config = parse({"rules": {"MED-LOS-01": {"params": {"default_days": 20}},
                              "MGT-AVG-01": {"enabled": False}, "POL-SEX-01": {"clear_cut": False}}}, LIBRARY)
    rules = by_id(resolve("220100", 3, config, LIBRARY))
    assert rules["MED-LOS-01"].params.default_days == 20
    assert rules["MED-LOS-01"].params.norms["J18"] == 14  # untouched
    assert not rules["MGT-AVG-01"].enabled
    assert not rules["POL-SEX-01"].is_clear_cut


@pytest.mark.parametrize(("body", "field"), [
    ({"sample_share": "1.5"}, "sample_share"),
    ({"sample_share": "0.00001"}, "sample_share"),
    ({"sample_seed": -1}, "sample_seed"),
    ({"shares": "0.1"}, "shares"),
    ({"rules": {"NOPE-01": {}}}, "rules.NOPE-01"),
    ({"rules": {"MED-LOS-01": {"params": {"norms": {"J18": 0}}}}}, "rules.MED-LOS-01.params.norms.J18"),
    ({"rules": {"MED-LOS-01": {"params": {"norms": {"j18": 5}}}}}, "rules.MED-LOS-01.params.norms.j18.[key]"),
    ({"rules": {"MGT-DUP-01": {"params": {"scope": "region"}}}}, "rules.MGT-DUP-01.params.scope"),
    ({"rules": {"POL-MED-01": {"params": {"coverage": {"999": ["11"]}}}}}, "rules.POL-MED-01.params.coverage"),
    ({"rules": {"MGT-PRC-01": {"params": {"ceiling_factor": "0.5"}}}}, "rules.MGT-PRC-01.params.ceiling_factor"),
    ({"rules": {"MGT-RDM-01": {"params": {"dayz": 3}}}}, "rules.MGT-RDM-01.params.dayz"),
    ({"rules": {"MGT-RDM-01": {"enable": False}}}, "rules.MGT-RDM-01.enable"),
])
def test_a_bad_configuration_names_the_field_at_fault(body, field):  # contract.md: 422 naming each field
    with pytest.raises(InvalidConfig) as raised:
        parse(body, LIBRARY)
    assert field in [e["field"] for e in raised.value.errors], raised.value.errors


def test_a_stored_version_a_later_library_refuses_still_audits_with_the_defaults():  # N art.13: never refuse
    stored = AuditConfig.model_validate({"rules": {"GONE-01": {}, "MED-LOS-01": {"params": {"default_days": 0}},
                                                   "MGT-AVG-01": {"enabled": False}}})
    region = resolve("220100", 4, stored, LIBRARY, strict=False)
    rules = by_id(region)
    assert list(rules) == list(LIBRARY)
    assert rules["MED-LOS-01"].params.default_days == 30 and not rules["MGT-AVG-01"].enabled


def test_the_description_shows_each_rule_as_the_region_runs_it():  # N art.13
    config = parse({"sample_share": "0.05", "rules": {"MGT-RDM-01": {"params": {"days": 30}}}}, LIBRARY)
    described = resolve("220100", 2, config, LIBRARY).describe()
    assert (described["version"], described["sample_share"]) == (2, "0.0500")
    readmission = next(r for r in described["rules"] if r["rule_id"] == "MGT-RDM-01")
    assert readmission["params"]["days"] == 30 and readmission["overridden"]
    assert Decimal(described["sample_share"]) == Decimal("0.05")


def test_one_rules_setting_names_its_bad_field():  # contract.md: 422 naming each field
    with pytest.raises(InvalidConfig) as raised:
        parse_override({"enable": False, "clear_cut": "sometimes"})
    assert {e["field"] for e in raised.value.errors} == {"enable", "clear_cut"}
