"""Tests of the shop simulator: the behaviours documented in data/README.md hold.

The bundled tables are loaded once per module; the thresholds are chosen so that
each test fails if the behaviour it checks is removed from the generator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from parcours_helpers import datasets, simulation


@pytest.fixture(scope="module")
def data() -> dict[str, pd.DataFrame]:
    return datasets.load_all()


@pytest.fixture(scope="module")
def orders_people(data) -> pd.DataFrame:
    return data["commandes"].merge(data["personnes"], on="id_personne", how="left")


# --------------------------------------------------------------------------- #
# Small helpers of the generator
# --------------------------------------------------------------------------- #

def test_month_of_maps_days_to_months():
    assert simulation.month_of(0) == 1
    assert simulation.month_of(30) == 1
    assert simulation.month_of(31) == 2
    assert simulation.month_of(365) == 13  # 2024-01-01
    assert simulation.month_of(simulation.N_DAYS - 1) == 24


def test_collaboration_at_respects_the_windows():
    name, first, last = simulation.COLLAB_DAYS[0]
    assert simulation.collaboration_at(first) == name
    assert simulation.collaboration_at(last) == name
    assert simulation.collaboration_at(first - 1) == ""
    assert simulation.collaboration_at(last + 1) == ""


def test_format_table_writes_booleans_dates_and_missing_values():
    df = pd.DataFrame({
        "id_commande": ["C000001"], "id_personne": ["P00001"],
        "date_commande": [pd.Timestamp("2023-05-02 14:03:09")], "canal": ["e-shop"],
        "montant_ttc": [99.999], "marge_brute": [40.0], "nb_articles": [2],
        "collaboration": [False], "nom_collaboration": [""], "retour": [True],
        "motif_retour": ["taille"], "montant_rembourse": [np.nan],
    })
    out = simulation.format_table(df, "commandes").iloc[0]
    assert out["date_commande"] == "2023-05-02 14:03:09"
    assert out["montant_ttc"] == "100.00"
    assert out["collaboration"] == "False" and out["retour"] == "True"
    assert out["montant_rembourse"] == ""


# --------------------------------------------------------------------------- #
# Output contract
# --------------------------------------------------------------------------- #

def test_simulation_is_deterministic_and_matches_bundled_files(tmp_path):
    simulation.main(["--out", str(tmp_path)])
    for name in datasets.SCHEMAS:
        fresh = (tmp_path / f"{name}.csv").read_bytes()
        bundled = (datasets.data_dir() / f"{name}.csv").read_bytes()
        assert fresh == bundled, f"{name}.csv differs from a fresh simulation"


def test_another_seed_gives_other_data():
    # only the people step: cheap, and enough to see the seed is used
    a = simulation.simulate_people(np.random.default_rng(1), n_people=200)
    b = simulation.simulate_people(np.random.default_rng(2), n_people=200)
    assert [p["age"] for p in a] != [p["age"] for p in b]


def test_data_folder_is_small_enough():
    size = sum(p.stat().st_size for p in datasets.data_dir().glob("*.csv"))
    assert size < 25 * 1024 * 1024


def test_sizes_are_in_the_documented_ranges(data):
    assert 80_000 <= len(data["evenements"]) <= 130_000
    assert 30_000 <= len(data["sessions_web"]) <= 60_000
    assert 1_200 <= len(data["enquete"]) <= 1_800
    buyers = data["commandes"]["id_personne"].nunique()
    assert 1_500 <= buyers <= 2_200
    assert len(data["points_de_contact"]) == 18
    assert len(data["depenses_marketing"]) == 24 * 11


def test_categorical_values_are_those_of_the_brief(data):
    ev = data["evenements"]
    assert set(ev["forme"].dropna()) <= set(datasets.FORMS)
    assert set(ev["appareil"].dropna()) == {"mobile", "ordinateur", "tablette"}
    assert set(ev["motif"].dropna()) == {"taille", "paiement", "retours", "livraison",
                                         "conseil style"}
    assert set(data["commandes"]["canal"]) == {"e-shop", "boutique", "click & collect"}
    assert set(data["statuts"]["statut"]) == set(datasets.STATUSES)
    assert set(data["personnes"]["persona_simulee"].dropna()) == set(datasets.PERSONAS)
    assert set(data["personnes"]["canal_acquisition"].dropna()) == set(
        simulation.CHANNELS)


def test_ids_are_unique_and_well_formed(data):
    for table, col, pattern in [("personnes", "id_personne", r"P\d{5}"),
                                ("commandes", "id_commande", r"C\d{6}"),
                                ("evenements", "id_evenement", r"E\d{7}"),
                                ("sessions_web", "id_session", r"S\d{6}")]:
        ids = data[table][col]
        assert ids.is_unique
        assert ids.str.fullmatch(pattern).all()


def test_everything_happens_within_the_two_years(data):
    lo, hi = datasets.START_DATE, datasets.END_DATE + pd.Timedelta(days=1)
    for table, col in [("evenements", "horodatage"), ("commandes", "date_commande"),
                       ("sessions_web", "debut")]:
        s = data[table][col]
        assert s.min() >= lo and s.max() < hi
        assert s.is_monotonic_increasing


def test_no_event_before_the_person_enters(data):
    ev = data["evenements"].merge(data["personnes"][["id_personne", "date_entree"]],
                                  on="id_personne")
    assert (ev["horodatage"] >= ev["date_entree"]).all()


def test_forms_and_device_and_support_fields(data):
    ev = data["evenements"]
    physical = {"spot radio", "article de presse", "affiche", "flyer", "publicité cinéma",
                "boutique", "click & collect", "livraison"}
    is_phys = ev["point_de_contact"].isin(physical)
    assert (ev.loc[is_phys, "forme"] == "physique").all()
    assert ev.loc[is_phys, "appareil"].isna().all()
    wom = ev["point_de_contact"].isin(["parrainage", "avis d'un proche"])
    assert (ev.loc[wom, "forme"] == "bouche-à-oreille").all()
    web = ev["forme"] == "virtuel"
    assert ev.loc[web, "appareil"].notna().all()
    support = ev["point_de_contact"].isin(["chat", "service client e-mail"])
    assert ev.loc[support, "motif"].notna().all()
    assert ev.loc[support, "delai_reponse_min"].notna().all()
    assert ev.loc[~support, ["motif", "delai_reponse_min"]].isna().all().all()


# --------------------------------------------------------------------------- #
# Orders and purchase events
# --------------------------------------------------------------------------- #

def test_every_order_has_exactly_one_achat_event_on_its_canal(data):
    ev, orders = data["evenements"], data["commandes"]
    achat = ev[ev["etape"] == "achat"]
    assert achat["id_commande"].notna().all()
    assert achat["id_commande"].is_unique
    assert set(achat["id_commande"]) == set(orders["id_commande"])
    assert ev.loc[ev["etape"] != "achat", "id_commande"].isna().all()
    m = achat.merge(orders[["id_commande", "canal", "date_commande"]], on="id_commande")
    assert (m["point_de_contact"].astype(str) == m["canal"].astype(str)).all()
    assert (m["horodatage"] == m["date_commande"]).all()


def test_order_amounts_and_margins_are_plausible(data):
    o = data["commandes"]
    assert o["montant_ttc"].between(40, 400).all()
    rate = o["marge_brute"] / (o["montant_ttc"] / 1.2)
    assert rate.between(0.449, 0.601).all()
    assert (o["nb_articles"] >= 1).all()
    ret = o["retour"]
    assert o.loc[ret, "motif_retour"].notna().all()
    assert (o.loc[ret, "montant_rembourse"] <= o.loc[ret, "montant_ttc"] + 0.01).all()
    assert o.loc[~ret, ["motif_retour", "montant_rembourse"]].isna().all().all()


def test_collaboration_flag_only_inside_windows(data):
    o, collabs = data["commandes"], data["collaborations"]
    flagged = o[o["collaboration"]]
    assert len(flagged) > 0
    windows = collabs.set_index("nom_collaboration")
    start = flagged["nom_collaboration"].astype(str).map(windows["date_lancement"])
    end = flagged["nom_collaboration"].astype(str).map(windows["date_fin"])
    day = flagged["date_commande"].dt.normalize()
    assert ((day >= start) & (day <= end)).all()
    assert o.loc[~o["collaboration"], "nom_collaboration"].isna().all()


def test_collaborations_last_two_to_three_weeks(data):
    c = data["collaborations"]
    days = (c["date_fin"] - c["date_lancement"]).dt.days + 1
    assert len(c) == 4
    assert days.between(14, 22).all()


# --------------------------------------------------------------------------- #
# Personas
# --------------------------------------------------------------------------- #

def _support_before_first_order(data) -> pd.Series:
    ev, orders, people = data["evenements"], data["commandes"], data["personnes"]
    first = orders.groupby("id_personne")["date_commande"].min().rename("premiere")
    sup = ev[ev["motif"].notna()].merge(first, on="id_personne")
    before = sup[sup["horodatage"] < sup["premiere"]].groupby("id_personne").size()
    buyers = people[people["id_personne"].isin(first.index)].set_index("id_personne")
    counts = before.reindex(buyers.index).fillna(0)
    return counts.groupby(buyers["persona_simulee"], observed=True).mean()


def test_nouveau_contact_support_before_first_order_more_than_habitue(data):
    means = _support_before_first_order(data)
    assert means["Nouveau"] >= 2.0
    assert means["Nouveau"] > 3 * means["Habitué"]


def test_nouveau_have_more_size_returns(orders_people):
    size = (orders_people["motif_retour"] == "taille").groupby(
        orders_people["persona_simulee"], observed=True).mean()
    assert size["Nouveau"] > 2 * size["Habitué"]
    assert size["Nouveau"] > 2 * size["Puriste"]


def test_nouveau_reorder_faster_after_a_good_first_order(data):
    o = data["commandes"].merge(data["personnes"][["id_personne", "persona_simulee",
                                                   "statut_initial"]], on="id_personne")
    new = o[(o["persona_simulee"] == "Nouveau") & (o["statut_initial"] != "client")]
    new = new.sort_values(["id_personne", "date_commande"])
    first = new.groupby("id_personne").nth(0).set_index("id_personne")
    second = new.groupby("id_personne").nth(1).set_index("id_personne")
    gap = (second["date_commande"] - first["date_commande"].reindex(second.index)).dt.days
    good = ~first["retour"].reindex(second.index)
    assert good.sum() > 50 and (~good).sum() > 10
    assert gap[good].median() < 0.6 * gap[~good].median()
    reorder = first.index.isin(second.index)
    assert reorder[~first["retour"].to_numpy()].mean() > reorder[first["retour"].to_numpy()].mean()


def test_nouveau_boutique_visit_before_first_order_happens(data):
    ev, orders, people = data["evenements"], data["commandes"], data["personnes"]
    first = orders.groupby("id_personne")["date_commande"].min().rename("premiere")
    nouveaux = people.loc[people["persona_simulee"] == "Nouveau", "id_personne"]
    visits = ev[(ev["point_de_contact"] == "boutique") & (ev["etape"] == "considération")
                & ev["id_personne"].isin(nouveaux)].merge(first, on="id_personne")
    share = visits.loc[visits["horodatage"] < visits["premiere"], "id_personne"].nunique()
    assert share / len(nouveaux) > 0.1


def test_referrals_create_people_who_convert(data):
    people, statuts = data["personnes"], data["statuts"]
    referred = people[people["parrain"].notna()]
    assert len(referred) > 100
    assert (referred["date_entree"] > datasets.START_DATE).all()
    assert referred["parrain"].isin(people["id_personne"]).all()
    assert (referred["statut_initial"] == "prospect").all()
    converted = referred[referred["canal_acquisition"] == "parrainage"]
    assert 0.2 < len(converted) / len(referred) < 0.8
    sponsors = people.set_index("id_personne").loc[referred["parrain"], "persona_simulee"]
    assert (sponsors == "Nouveau").mean() > 0.5
    first_rows = statuts.groupby("id_personne").nth(0).set_index("id_personne")
    assert (first_rows.loc[referred["id_personne"], "date_effet"].to_numpy()
            == referred["date_entree"].to_numpy()).all()


def test_habitues_order_online_only_and_click_and_collect_in_paris(orders_people):
    hab = orders_people[orders_people["persona_simulee"] == "Habitué"]
    assert (hab["canal"] != "boutique").all()
    paris = hab[hab["parisien"]]
    assert (paris["canal"] == "click & collect").mean() > 0.5
    assert (hab.loc[~hab["parisien"], "canal"] != "click & collect").all()
    per_person = hab.groupby("id_personne").size()
    assert per_person.median() >= 4


def test_puriste_orders_cluster_in_collaboration_windows(data, orders_people):
    collabs = data["collaborations"]
    window_days = ((collabs["date_fin"] - collabs["date_lancement"]).dt.days + 1).sum()
    share_of_days = window_days / ((datasets.END_DATE - datasets.START_DATE).days + 1)
    pur = orders_people[orders_people["persona_simulee"] == "Puriste"]
    in_window = pd.Series(False, index=pur.index)
    day = pur["date_commande"].dt.normalize()
    for _, c in collabs.iterrows():
        in_window |= (day >= c["date_lancement"]) & (day <= c["date_fin"])
    assert share_of_days < 0.2
    assert in_window.mean() > 0.5
    assert pur.groupby("id_personne").size().max() <= 3
    people = data["personnes"]
    assert (people.loc[people["persona_simulee"] == "Puriste", "maturite_mode"]
            == "expert").all()


def test_puriste_read_many_blog_articles(data):
    ev, people = data["evenements"], data["personnes"]
    blog = ev[(ev["point_de_contact"] == "blog")
              & ev["etape"].isin(["découverte", "considération"])]
    per_person = blog.groupby("id_personne").size()
    persona = people.set_index("id_personne")["persona_simulee"]
    counts = per_person.reindex(people["id_personne"]).fillna(0).groupby(
        persona.reindex(people["id_personne"]).to_numpy()).mean()
    assert counts["Puriste"] > 3 * counts["Habitué"]


def test_habitue_satisfaction_falls_with_slow_answers(data):
    ev, people, survey = data["evenements"], data["personnes"], data["enquete"]
    delay = ev.groupby("id_personne")["delai_reponse_min"].mean().dropna()
    hab = survey.merge(people[["id_personne", "persona_simulee"]], on="id_personne")
    hab = hab[(hab["persona_simulee"] == "Habitué") & hab["id_personne"].isin(delay.index)]
    assert len(hab) > 100
    corr = np.corrcoef(np.log(delay.loc[hab["id_personne"]]), hab["satisfaction"])[0, 1]
    assert corr < -0.25


# --------------------------------------------------------------------------- #
# Statuses, acquisition, spend
# --------------------------------------------------------------------------- #

def test_statuses_change_and_follow_the_rules(data):
    statuts, people = data["statuts"], data["personnes"]
    changes = statuts.groupby("id_personne").size()
    assert (changes > 1).sum() > 1000
    first = statuts.groupby("id_personne").nth(0).set_index("id_personne")
    assert (first.loc[people["id_personne"], "statut"].astype(str).to_numpy()
            == people["statut_initial"].astype(str).to_numpy()).all()
    absolute = people.loc[people["statut_initial"] == "non-consommateur absolu", "id_personne"]
    assert (changes.loc[absolute] == 1).all()
    lapsed = statuts[statuts["statut"] == "consommateur concurrent"]
    assert lapsed["date_effet"].gt(datasets.START_DATE).sum() > 100


def test_buyers_are_clients_when_they_order(data):
    statuts, orders = data["statuts"], data["commandes"]
    st = statuts.sort_values(["date_effet"], kind="stable")
    o = orders[["id_personne", "date_commande"]].sort_values("date_commande")
    o["jour"] = o["date_commande"].dt.normalize()
    merged = pd.merge_asof(o, st.rename(columns={"date_effet": "jour"}), on="jour",
                           by="id_personne")
    assert (merged["statut"] == "client").all()


def test_channel_cac_differs_and_some_clients_are_unprofitable(data):
    people, orders, spend = data["personnes"], data["commandes"], data["depenses_marketing"]
    new = people[(people["statut_initial"] != "client") & people["canal_acquisition"].notna()]
    counts = new["canal_acquisition"].astype(str).value_counts()
    cac = spend.groupby(spend["canal_marketing"].astype(str))["depense_eur"].sum() / counts
    assert cac["parrainage"] < 40 and cac["blog"] < 80
    for expensive in ["cinema", "radio", "affichage"]:
        assert cac[expensive] > 5 * cac["blog"]
    margin = orders.groupby("id_personne")["marge_brute"].sum()
    client_margin = margin.reindex(new["id_personne"]).fillna(0).to_numpy()
    client_cac = new["canal_acquisition"].astype(str).map(cac).to_numpy()
    unprofitable = (client_margin < client_cac).mean()
    assert 0.05 < unprofitable < 0.6


def test_facebook_builds_awareness_but_is_rarely_last_touch(data):
    ev = data["evenements"].sort_values(["id_personne", "horodatage"], kind="stable")
    fb = ev[ev["point_de_contact"] == "Facebook"]
    assert fb["id_personne"].nunique() > 2000
    assert (fb["etape"] == "découverte").mean() > 0.6
    previous = ev.groupby("id_personne")["point_de_contact"].shift()
    last_touch = previous[ev["etape"] == "achat"]
    assert (last_touch == "Facebook").mean() < 0.02


# --------------------------------------------------------------------------- #
# Web sessions
# --------------------------------------------------------------------------- #

def test_mobile_converts_less_at_every_step(data):
    w = data["sessions_web"]
    steps = datasets.FUNNEL_STEPS
    for before, after in zip(steps[:-1], steps[1:], strict=True):
        reached = w[w["etape_max"] >= before]
        rate = (reached["etape_max"] >= after).groupby(reached["appareil"],
                                                       observed=True).mean()
        assert rate["mobile"] < rate["ordinateur"] - 0.05, (before, after)


def test_slower_pages_convert_less(data):
    w = data["sessions_web"]
    bins = pd.cut(w["temps_chargement_s"], [0, 1, 2, 3, 4, 6, 20])
    rate = (w["etape_max"] == "commande").groupby(bins, observed=True).mean()
    assert rate.is_monotonic_decreasing
    assert rate.iloc[0] > 3 * rate.iloc[-1]


def test_sessions_match_online_orders(data):
    w, orders = data["sessions_web"], data["commandes"]
    assert w["id_personne"].isna().mean() > 0.1
    converted = (w["etape_max"] == "commande").sum()
    assert converted == (orders["canal"] != "boutique").sum()


# --------------------------------------------------------------------------- #
# Survey and inventory
# --------------------------------------------------------------------------- #

def test_survey_is_consistent_with_statuses(data):
    survey, statuts = data["enquete"], data["statuts"]
    st = statuts.sort_values("date_effet", kind="stable")
    s = survey.sort_values("date_reponse")
    merged = pd.merge_asof(s, st, left_on="date_reponse", right_on="date_effet",
                           by="id_personne")
    status = merged["statut"].astype(str)
    assert (merged.loc[status == "non-consommateur absolu", "besoin"] == "aucun").all()
    assert (merged.loc[status == "non-consommateur relatif", "besoin"] == "rare").all()
    assert merged.loc[status == "consommateur concurrent", "achete_ailleurs"].all()
    assert survey["satisfaction"].between(1, 5).all() and survey["nps"].between(0, 10).all()
    assert (status == "client").mean() > 0.2 and (status != "client").mean() > 0.2
    assert set(survey["source_info"]) <= {"blog", "réseaux sociaux", "moteur de recherche",
                                          "boutique", "proches", "presse"}
    assert survey["temoignage"].nunique() > 200


def test_touchpoint_inventory_has_the_documented_gaps(data):
    tp = data["points_de_contact"]
    assert set(tp["point_de_contact"]) == set(simulation.FORM_OF)
    physical_stages = set(tp.loc[tp["forme"] == "physique", "etape"].astype(str))
    assert not physical_stages & {"usage", "fidélisation"}
    ev = data["evenements"]
    assert not ((ev["point_de_contact"] == "boutique")
                & ev["etape"].isin(["usage", "fidélisation"])).any()
    people = data["personnes"]
    clients = people[people["persona_simulee"].notna()]
    assert clients["expo_cinema"].mean() < 0.15
