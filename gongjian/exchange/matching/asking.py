"""The asking side of a query: what a need or resource brings to its search, read from the database in one query.

A suggestion needs, besides the item's own row: the organizations it has worked with (pairings,
signed agreements, projects, accepted claims), the names of the regions on its path (left out of its
text), the categories related to its category and the synonym groups admins added. Read as eight
ORM queries these cost 4–5 ms of Python per suggestion, several times the ranking itself; one
UNION ALL statement, written once per call from the models' own table and column names, costs a
few hundred microseconds. Nothing is kept between calls: every suggestion reads current rows.
"""

from django.db import connection

from gongjian.agreements.models import Agreement, AgreementParty, Pairing
from gongjian.exchange.models import Category, Claim, Need, Resource, SynonymGroup
from gongjian.orgs.models import Region
from gongjian.projects.models import Project

from .engine import document_grams, document_terms, leading_number, place_names
from .factors import AREA_LEVEL, KIND_CODE, SECTOR_CODE, Probe
from .store import region_slots
from .synonyms import expand, parse, thesaurus

PARTNER, REGION, RELATED, SYNONYM = "p", "r", "c", "s"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _m2m(model, field: str) -> tuple[str, str, str]:
    """(table, column of this side, column of the other side) of a many-to-many field."""
    through = model._meta.get_field(field).remote_field.through._meta
    own, other = (f for f in through.fields if f.is_relation and f.many_to_one)
    quote = connection.ops.quote_name
    return quote(through.db_table), quote(own.column), quote(other.column)


def _statement(n_orgs: int, n_regions: int, with_category: bool) -> str:
    """The UNION ALL of every part; each row is (kind, id, other id, text)."""
    orgs = ", ".join(["%s"] * n_orgs)
    pairing, party, agreement = _table(Pairing), _table(AgreementParty), _table(Agreement)
    project, claim, need, resource = (
        _table(Project),
        _table(Claim),
        _table(Need),
        _table(Resource),
    )
    partners_table, partners_project, partners_org = _m2m(Project, "partners")
    org_a, org_b = _column(Pairing, "org_a"), _column(Pairing, "org_b")
    party_org, party_agreement = _column(AgreementParty, "organization"), _column(AgreementParty, "agreement")
    lead = _column(Project, "lead")
    claimant, claim_need, claim_resource = (_column(Claim, f) for f in ("claimant", "need", "resource"))
    need_org, resource_org = _column(Need, "organization"), _column(Resource, "organization")
    agreement_status, claim_status = _column(Agreement, "status"), _column(Claim, "status")
    words, active = _column(SynonymGroup, "words"), _column(SynonymGroup, "is_active")
    parts = [
        f"SELECT '{PARTNER}', {org_a}, {org_b}, NULL FROM {pairing} WHERE {org_a} IN ({orgs}) OR {org_b} IN ({orgs})",  # noqa: S608 - table and column names come quoted from the models, values are parameters
        # Everyone who signed an agreement with the asker (a draft binds nobody yet).
        f"SELECT '{PARTNER}', o.{party_org}, NULL, NULL FROM {party} o WHERE o.{party_agreement} IN ("  # noqa: S608 - table and column names come quoted from the models, values are parameters
        f"SELECT s.{party_agreement} FROM {party} s JOIN {agreement} a ON a.id = s.{party_agreement}"
        f" WHERE s.{party_org} IN ({orgs}) AND a.{agreement_status} <> %s)",
        f"SELECT '{PARTNER}', p.{lead}, m.{partners_org}, NULL FROM {project} p LEFT JOIN {partners_table} m ON m.{partners_project} = p.id"  # noqa: S608 - table and column names come quoted from the models, values are parameters
        f" WHERE p.{lead} IN ({orgs}) OR m.{partners_org} IN ({orgs})",
        f"SELECT '{PARTNER}', c.{claimant}, COALESCE(n.{need_org}, r.{resource_org}), NULL FROM {claim} c"  # noqa: S608 - table and column names come quoted from the models, values are parameters
        f" LEFT JOIN {need} n ON n.id = c.{claim_need} LEFT JOIN {resource} r ON r.id = c.{claim_resource}"
        f" WHERE c.{claim_status} = %s AND (c.{claimant} IN ({orgs}) OR n.{need_org} IN ({orgs}) OR r.{resource_org} IN ({orgs}))",
        f"SELECT '{SYNONYM}', NULL, NULL, {words} FROM {_table(SynonymGroup)} WHERE {active} = %s",  # noqa: S608 - table and column names come quoted from the models, values are parameters
    ]
    if n_regions:
        regions = ", ".join(["%s"] * n_regions)
        parts.append(f"SELECT '{REGION}', id, level, name FROM {_table(Region)} WHERE id IN ({regions})")  # noqa: S608 - table and column names come quoted from the models, values are parameters
    if with_category:
        table, own, other = _m2m(Category, "related")
        parts.append(f"SELECT '{RELATED}', {other}, NULL, NULL FROM {table} WHERE {own} = %s")  # noqa: S608 - table and column names come quoted from the models, values are parameters
    return " UNION ALL ".join(parts)


def context(org_ids: list[int], region_ids: list[int], category_id: int | None) -> dict:
    """Partners, regions {id: (level, name)}, related category ids and synonym groups, in one round trip."""
    draft, accepted = Agreement.Status.DRAFT, Claim.Status.ACCEPTED
    params = [*org_ids, *org_ids, *org_ids, draft, *org_ids, *org_ids, accepted, *org_ids, *org_ids, *org_ids, True]
    params += region_ids
    if category_id:
        params.append(category_id)
    found = {"partners": set(), "regions": {}, "related": set(), "synonyms": []}
    with connection.cursor() as cursor:
        cursor.execute(_statement(len(org_ids), len(region_ids), bool(category_id)), params)
        for kind, first, second, text in cursor.fetchall():
            if kind == PARTNER:
                found["partners"].update(x for x in (first, second) if x)
            elif kind == REGION:
                found["regions"][first] = (second, text)
            elif kind == RELATED:
                found["related"].add(first)
            else:
                found["synonyms"].append(text)
    found["partners"] -= set(org_ids)
    return found


def partners_of(organization) -> frozenset[int]:
    """Organizations that have worked with this one or its parent units: pairings, agreements, projects, accepted claims."""
    return frozenset(context([organization.pk, *organization.ancestor_ids()], [], None)["partners"])


def probe_for(obj) -> Probe:
    """The asking side of a query: a need looking for resources or a resource looking for needs."""
    org = obj.organization
    path = obj.region.path if obj.region_id else (org.region.path if org.region_id else "")
    is_resource = obj._meta.model_name == "resource"
    region_ids = [int(p) for p in path.strip("/").split("/") if p]
    found = context([org.pk, *org.ancestor_ids()], region_ids, obj.category_id)
    regions = found["regions"]
    places = place_names(regions[pk][1] for pk in region_ids if pk in regions)
    terms = document_terms(obj.title, obj.description, places)
    return Probe(
        terms=terms,
        grams=document_grams(obj.title, obj.description, places),
        synonyms=expand(f"{obj.title}。{obj.description}", terms, (*thesaurus(), *parse(found["synonyms"]))),
        related=frozenset(found["related"]),
        seeks=KIND_CODE.get(obj.seeks, 0),
        offers=KIND_CODE.get(obj.offers, 0),
        area_level=AREA_LEVEL.get(obj.service_area, 0) if is_resource else 0,
        category=obj.category_id or 0,
        regions=region_slots(path, {pk: level for pk, (level, _name) in regions.items()}),
        sector=SECTOR_CODE.get(org.sector, 0),
        capacity=obj.capacity if is_resource else leading_number(obj.scale),
        org=org.pk,
        partners=frozenset(found["partners"]),
    )
