import pytest

from contact_centre.domain.enums import Entity
from contact_centre.services.catalogue_import import CatalogueError, parse_processes

HEADER = "code,title,description,keywords,service,entity,referents,commitment_days,patroller_visit,documents,response_template,active\n"


def test_a_valid_row_is_parsed_with_its_lists_and_flags():
    rows = parse_processes(
        HEADER
        + 'voi-001,Nid-de-poule,"Réparation, sous 5 jours",trou|chaussée,Voirie,ville,mdupont|jmartin,5,oui,,"Bonjour {nom}",oui\n'
    )
    (row,) = rows
    assert row.code == "VOI-001"
    assert row.keywords == ["trou", "chaussée"]
    assert row.referents == ["mdupont", "jmartin"]
    assert row.entity is Entity.VILLE
    assert row.patroller_visit is True
    assert row.documents == []
    assert row.line == 2


def test_every_error_is_reported_with_its_line_number():
    text = HEADER + (
        "VOI-001,Nid,,,Voirie,ville,,5,oui,,,oui\n"
        "VOI-001,Doublon,,,Voirie,ville,,5,oui,,,oui\n"
        "VOI-002,Sans entité,,,Voirie,mairie,,5,oui,,,oui\n"
        "VOI-003,Délai,,,Voirie,ville,,cinq,peut-être,,,oui\n"
    )
    with pytest.raises(CatalogueError) as err:
        parse_processes(text)
    assert err.value.errors == [
        "ligne 3 : code VOI-001 déjà présent ligne 2",
        "ligne 4 : entité « mairie » inconnue (ville, ccas ou agglo)",
        "ligne 5 : délai « cinq » invalide (jours ouvrés, 0 à 365)",
        "ligne 5 : « patroller_visit » doit valoir oui ou non, reçu « peut-être »",
    ]


def test_missing_columns_and_empty_files_are_refused():
    with pytest.raises(CatalogueError, match="colonnes manquantes : entity, commitment_days"):
        parse_processes("code,title,service\nA,B,C\n")
    with pytest.raises(CatalogueError, match="aucun processus"):
        parse_processes(HEADER)
    with pytest.raises(CatalogueError, match="trop de colonnes"):
        parse_processes(HEADER + "VOI-001,Nid,,,Voirie,ville,,5,oui,,,oui,extra\n")
