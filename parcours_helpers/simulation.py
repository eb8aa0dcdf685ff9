"""Simulate *Maison Beaufil*, the fictional Paris menswear brand of the course.

Two years of activity (2023-01-01 to 2024-12-31): people and their statuses,
journeys (touchpoint events), web sessions, orders, a survey, the touchpoint
inventory, the monthly marketing spend and the brand collaborations. The output
follows :data:`parcours_helpers.datasets.SCHEMAS` exactly; ``data/README.md``
(the data card) explains every assumption.

Command line::

    python -m parcours_helpers.simulation --out data [--seed 2025]

The output is deterministic: the same seed gives byte-identical files.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from parcours_helpers.datasets import END_DATE, SCHEMAS, START_DATE

#: Seed of the bundled tables in ``data/``.
DEFAULT_SEED = 2025
#: Number of people in the population on 2023-01-01 (referrals add more later).
N_PEOPLE = 5000
#: Number of simulated days (2023-01-01 … 2024-12-31).
N_DAYS = (END_DATE - START_DATE).days + 1
DAY = 86_400

# --------------------------------------------------------------------------- #
# Fixed inventory: touchpoints, collaborations, campaigns
# --------------------------------------------------------------------------- #

#: The brand collaborations (name, launch day, last day).
COLLABORATIONS = [
    ("Beaufil × Tissages Morel", "2023-04-12", "2023-04-30"),
    ("Beaufil × Atelier Vasseur", "2023-10-04", "2023-10-22"),
    ("Beaufil × Denim Lestrade", "2024-03-20", "2024-04-07"),
    ("Beaufil × Maille Kerlann", "2024-10-09", "2024-10-30"),
]

# point_de_contact, forme, etape, media, canal_marketing, cout_mensuel_eur,
# audience_mensuelle, lieu_zone
TOUCHPOINTS = [
    ("blog", "virtuel", "considération", "blog", "blog", 600.0, 42000, "en ligne"),
    ("newsletter", "virtuel", "fidélisation", "", "newsletter", 250.0, 9000, "en ligne"),
    ("Facebook", "virtuel", "découverte", "facebook", "facebook", 1100.0, 60000, "en ligne"),
    ("Instagram", "virtuel", "découverte", "instagram", "instagram", 1300.0, 38000, "en ligne"),
    ("recherche web", "virtuel", "besoin", "", "recherche payante", 1800.0, 25000, "en ligne"),
    ("e-shop", "virtuel", "achat", "", "", 900.0, 30000, "en ligne"),
    ("boutique", "physique", "achat", "", "", 7500.0, 2200, "Paris 3e"),
    ("click & collect", "physique", "livraison", "", "", 300.0, 450, "Paris 3e"),
    ("service client e-mail", "virtuel", "usage", "", "", 1600.0, 700, "en ligne"),
    ("chat", "virtuel", "considération", "", "", 900.0, 900, "en ligne"),
    ("flyer", "physique", "découverte", "", "flyers", 700.0, 6000, "Paris 3e"),
    ("spot radio", "physique", "découverte", "radio", "radio", 3500.0, 400000, "Île-de-France"),
    ("article de presse", "physique", "découverte", "presse", "presse", 500.0, 120000,
     "national"),
    ("affiche", "physique", "découverte", "affichage", "affichage", 3000.0, 250000, "Paris"),
    ("publicité cinéma", "physique", "découverte", "cinema", "cinema", 2500.0, 90000,
     "Île-de-France"),
    ("parrainage", "bouche-à-oreille", "fidélisation", "", "parrainage", 150.0, 40, "national"),
    ("avis d'un proche", "bouche-à-oreille", "besoin", "", "", 0.0, 0, "national"),
    ("livraison", "physique", "livraison", "", "", 4200.0, 260, "national"),
]
FORM_OF = {row[0]: row[1] for row in TOUCHPOINTS}
WEB_TOUCHPOINTS = {row[0] for row in TOUCHPOINTS if row[1] == "virtuel"}

#: Acquisition channel → the touchpoint that carries it (first touch of a new client).
CHANNEL_TOUCHPOINT = {
    "blog": "blog", "newsletter": "newsletter", "facebook": "Facebook",
    "instagram": "Instagram", "recherche payante": "recherche web", "flyers": "flyer",
    "radio": "spot radio", "presse": "article de presse", "affichage": "affiche",
    "cinema": "publicité cinéma", "parrainage": "parrainage",
}
CHANNELS = list(CHANNEL_TOUCHPOINT)

#: Campaign months (1 = 2023-01 … 24 = 2024-12) of the offline channels.
CAMPAIGN_MONTHS = {
    "radio": [3, 9, 11, 15, 21, 23],
    "affichage": [4, 10, 16, 22],
    "cinema": [10, 11, 22],
    "presse": [6, 17],
    "flyers": [2, 5, 9, 12, 14, 17, 21, 24],
}
#: Monthly budget (€) of each channel; offline channels only in campaign months.
MONTHLY_BUDGET = {
    "blog": 600.0, "newsletter": 250.0, "facebook": 650.0, "instagram": 750.0,
    "recherche payante": 1100.0, "flyers": 700.0, "radio": 9000.0, "presse": 2500.0,
    "affichage": 8000.0, "cinema": 7500.0,
}
#: Reward (€) paid for each referred friend who becomes a client.
REFERRAL_REWARD = 20.0

STATUS_P = {"client": 0.10, "consommateur concurrent": 0.28, "prospect": 0.32,
            "non-consommateur relatif": 0.18, "non-consommateur absolu": 0.12}
CITIES = {"Paris": 0.38, "Lyon": 0.09, "Marseille": 0.07, "Bordeaux": 0.06, "Lille": 0.06,
          "Nantes": 0.06, "Toulouse": 0.06, "Rennes": 0.05, "Strasbourg": 0.05,
          "Montpellier": 0.05, "Nice": 0.04, "Boulogne-Billancourt": 0.03}
CSP = {"cadre": 0.30, "profession intermédiaire": 0.22, "employé": 0.18, "étudiant": 0.12,
       "artisan-commerçant": 0.06, "ouvrier": 0.06, "retraité": 0.06}
MATURITY = ["débutant", "intermédiaire", "expert"]
RETURN_REASONS = ["taille", "défaut", "ne plaît pas", "retard de livraison"]
SOURCES = ["accès direct", "moteur de recherche", "recherche payante", "réseaux sociaux",
           "newsletter", "blog"]
DEVICES = ["mobile", "ordinateur", "tablette"]

_WEB_HOURS = np.array([0.5, 0.3, 0.2, 0.1, 0.1, 0.2, 0.6, 1.5, 2.5, 3.0, 3.0, 3.5, 5.0, 5.0,
                       3.5, 3.5, 3.5, 4.0, 5.0, 6.0, 7.0, 6.5, 4.5, 2.0])
_WEB_HOURS = _WEB_HOURS / _WEB_HOURS.sum()
_WEB_CUM = np.cumsum(_WEB_HOURS)
_CUM_DAYS = np.cumsum([0] + [pd.Period(f"{2023 + m // 12}-{m % 12 + 1:02d}").days_in_month
                             for m in range(24)])


def _day(text: str) -> int:
    return (pd.Timestamp(text) - START_DATE).days


COLLAB_DAYS = [(name, _day(a), _day(b)) for name, a, b in COLLABORATIONS]


def month_of(day: int) -> int:
    """Return the month number (1 = 2023-01 … 24 = 2024-12) of a simulated day."""
    return int(np.searchsorted(_CUM_DAYS, day, side="right"))


def collaboration_at(day: int) -> str:
    """Name of the collaboration running on ``day`` (0 = 2023-01-01), or ``""``."""
    for name, first, last in COLLAB_DAYS:
        if first <= day <= last:
            return name
    return ""


def _campaign_recent(channel: str, day: int, window: int = 45) -> bool:
    """True when a campaign of ``channel`` ran within ``window`` days before ``day``."""
    for m in CAMPAIGN_MONTHS[channel]:
        first, last = _CUM_DAYS[m - 1], _CUM_DAYS[m] - 1
        if first <= day <= last + window:
            return True
    return False


# --------------------------------------------------------------------------- #
# Small random helpers
# --------------------------------------------------------------------------- #

def _pick(rng: np.random.Generator, options: dict[str, float]) -> str:
    """Draw one key of ``options`` with probability proportional to its weight."""
    u = rng.random() * sum(options.values())
    for key, weight in options.items():
        u -= weight
        if u < 0:
            return key
    return key


def _moment(rng: np.random.Generator, day: int, form: str) -> int:
    """A timestamp (seconds since 2023-01-01) on ``day``, at a plausible hour."""
    if form == "virtuel":
        hour = min(int(np.searchsorted(_WEB_CUM, rng.random(), side="right")), 23)
    else:
        hour = int(rng.integers(9, 19))
    return day * DAY + hour * 3600 + int(rng.integers(0, 3600))


def _device(rng: np.random.Generator, touchpoint: str) -> str:
    if touchpoint in ("Facebook", "Instagram"):
        return _pick(rng, {"mobile": 0.85, "ordinateur": 0.1, "tablette": 0.05})
    return _pick(rng, {"mobile": 0.58, "ordinateur": 0.34, "tablette": 0.08})


def _response_delay(rng: np.random.Generator, touchpoint: str, day: int) -> float:
    """Minutes before the first answer of the customer service (slower in Nov–Dec)."""
    rush = 1.8 if month_of(day) in (11, 12, 23, 24) else 1.0
    if touchpoint == "chat":
        minutes = rng.lognormal(math.log(5.0), 0.9) * rush
    else:
        minutes = rng.lognormal(math.log(300.0), 1.1) * rush
    return round(min(minutes, 7 * 24 * 60.0), 1)


# --------------------------------------------------------------------------- #
# 1. People
# --------------------------------------------------------------------------- #

def _expo(rng: np.random.Generator, age: int, parisien: bool, maturity: str) -> dict:
    young = age < 35
    blog_p = {"débutant": 0.18, "intermédiaire": 0.4, "expert": 0.75}[maturity]
    return {
        "expo_blog": bool(rng.random() < blog_p),
        "expo_facebook": bool(rng.random() < (0.45 if young else 0.65)),
        "expo_instagram": bool(rng.random() < (0.65 if young else 0.3)),
        "expo_radio": bool(rng.random() < (0.22 if young else 0.38)),
        "expo_cinema": bool(rng.random() < (0.12 if young else 0.05)),
        "expo_presse": bool(rng.random() < (0.15 if young else 0.35)),
        "expo_affichage": bool(rng.random() < (0.75 if parisien else 0.3)),
    }


def _new_person(rng, pid, status, entry_day, like=None, parrain=""):
    if like is None:
        age = int(np.clip(round(rng.normal(37, 11)), 18, 75))
        ville = _pick(rng, CITIES)
    else:
        age = int(np.clip(round(like["age"] + rng.normal(0, 4)), 18, 75))
        ville = like["ville"] if rng.random() < 0.8 else _pick(rng, CITIES)
    if status == "non-consommateur absolu":
        maturity = _pick(rng, {"débutant": 0.9, "intermédiaire": 0.1})
    elif status == "non-consommateur relatif":
        maturity = _pick(rng, {"débutant": 0.7, "intermédiaire": 0.25, "expert": 0.05})
    else:
        maturity = _pick(rng, {"débutant": 0.4, "intermédiaire": 0.4, "expert": 0.2})
    csp = "étudiant" if age < 23 and rng.random() < 0.7 else _pick(rng, CSP)
    if csp == "retraité" and age < 60:
        csp = "cadre"
    parisien = ville == "Paris"
    person = {"id_personne": pid, "age": age, "csp": csp, "ville": ville, "parisien": parisien}
    person.update(_expo(rng, age, parisien, maturity))
    person.update({
        "maturite_mode": maturity, "statut_initial": status, "persona_simulee": "",
        "canal_acquisition": "", "parrain": parrain, "entry_day": entry_day,
        "statuts": [(entry_day, status)], "orders": [], "referrals": [],
        "conv_day": None, "first_journey": {},
    })
    return person


def _exposure_score(p: dict) -> float:
    return (0.5 * p["expo_blog"] + 0.3 * p["expo_instagram"] + 0.25 * p["expo_facebook"]
            + 0.2 * p["expo_radio"] + 0.2 * p["expo_presse"] + 0.2 * p["expo_affichage"]
            + 0.1 * p["expo_cinema"] + 0.2 * p["parisien"])


def _acquisition_channel(rng, p: dict, day: int | None) -> str:
    """First marketing channel that brought a client (day None: before 2023)."""
    def campaign(ch):
        return 0.3 if day is None else float(_campaign_recent(ch, day))
    w = {
        "blog": 2.5 if p["expo_blog"] else 0.3,
        "newsletter": 0.4,
        "facebook": 1.0 if p["expo_facebook"] else 0.05,
        "instagram": 1.0 if p["expo_instagram"] else 0.05,
        "recherche payante": 0.8,
        "flyers": 0.35 if p["parisien"] else 0.02,
        "radio": 0.8 * p["expo_radio"] * campaign("radio"),
        "presse": 1.2 * p["expo_presse"] * campaign("presse"),
        "affichage": 0.9 * p["expo_affichage"] * campaign("affichage"),
        "cinema": 1.5 * p["expo_cinema"] * campaign("cinema"),
    }
    return _pick(rng, {k: v for k, v in w.items() if v > 0})


def _order(rng, p: dict, day: int, canal: str, return_p: float, size_share: float) -> dict:
    collab = collaboration_at(day)
    is_collab = bool(collab) and (p["persona_simulee"] == "Puriste" or rng.random() < 0.4)
    amount = rng.lognormal(math.log(105.0), 0.45)
    if p["persona_simulee"] == "Puriste":
        amount *= 1.3
    if is_collab:
        amount *= 1.25
    amount = float(np.clip(amount, 40.0, 400.0))
    n_items = int(np.clip(round(amount / rng.uniform(55, 110)), 1, 6))
    margin = amount / 1.2 * rng.uniform(0.45, 0.60)
    ret = bool(rng.random() < return_p)
    reason, refund = "", math.nan
    if ret:
        reason = "taille" if rng.random() < size_share else _pick(
            rng, {"défaut": 0.35, "ne plaît pas": 0.45, "retard de livraison": 0.2})
        k = 1 if n_items == 1 else int(rng.integers(1, n_items))
        refund = amount * k / n_items
    form = "virtuel" if canal == "e-shop" else "physique"
    ts = _moment(rng, day, form if canal != "click & collect" else "virtuel")
    return {"id_personne": p["id_personne"], "ts": ts, "day": day, "canal": canal,
            "montant_ttc": round(amount, 2), "marge_brute": round(margin, 2),
            "nb_articles": n_items, "collaboration": is_collab,
            "nom_collaboration": collab if is_collab else "", "retour": ret,
            "motif_retour": reason, "montant_rembourse": round(refund, 2) if ret else math.nan}


def _canal(rng, p: dict, persona: str, first_visit: bool = False) -> str:
    paris = p["parisien"]
    if persona == "Habitué":
        return _pick(rng, {"click & collect": 0.65, "e-shop": 0.35}) if paris else "e-shop"
    if persona == "Puriste":
        return _pick(rng, {"boutique": 0.5, "e-shop": 0.5} if paris
                     else {"boutique": 0.2, "e-shop": 0.8})
    if first_visit:
        return _pick(rng, {"boutique": 0.55, "e-shop": 0.45})
    return _pick(rng, {"e-shop": 0.55, "boutique": 0.2, "click & collect": 0.25} if paris
                 else {"e-shop": 0.92, "boutique": 0.08})


def _client_orders(rng, p: dict, start: int, initial: bool) -> None:
    """Fill ``p["orders"]``, referrals and the lapse of a client from ``start``."""
    persona = p["persona_simulee"]
    orders = p["orders"]
    if persona == "Habitué":
        span = N_DAYS - start
        n = max(1, int(round(rng.integers(4, 11) * span / N_DAYS)))
        if initial:
            days = np.sort(rng.choice(np.arange(start, N_DAYS), size=n, replace=False))
        else:
            rest = rng.choice(np.arange(start + 7, N_DAYS), size=max(n - 1, 0),
                              replace=False) if start + 7 < N_DAYS - n else []
            days = np.sort(np.concatenate([[start], rest]).astype(int))
        for d in days:
            orders.append(_order(rng, p, int(d), _canal(rng, p, persona), 0.10, 0.35))
        lapse_p = 0.08
    elif persona == "Puriste":
        days = [] if initial else [start]
        for _, first, last in COLLAB_DAYS:
            if first > start and rng.random() < 0.55:
                days.append(int(rng.integers(first, last + 1)))
        if initial and not days:
            days.append(int(rng.integers(0, N_DAYS)))
        if rng.random() < 0.2:
            days.append(int(rng.integers(start, N_DAYS)))
        days = sorted(set(days))[:3]
        for d in days:
            orders.append(_order(rng, p, d, _canal(rng, p, persona), 0.06, 0.3))
        lapse_p = 0.15
    else:  # Nouveau
        visit = p["first_journey"].get("boutique_visit", False)
        first = _order(rng, p, start, _canal(rng, p, persona, visit), 0.35, 0.75)
        orders.append(first)
        good = not first["retour"]
        day = start
        gap_mean, keep_p = (35.0, 0.8) if good else (120.0, 0.3)
        gap_min = 8 if good else 30
        while True:
            if rng.random() > keep_p:
                break
            day = day + gap_min + int(rng.exponential(gap_mean))
            if day >= N_DAYS or len(orders) >= 6:
                break
            orders.append(_order(rng, p, day, _canal(rng, p, persona), 0.25, 0.6))
            gap_mean, keep_p, gap_min = 90.0, 0.5, 20
        if good and rng.random() < 0.55:
            for _ in range(1 + int(rng.random() < 0.35)):
                ref_day = start + 10 + int(rng.exponential(30))
                if ref_day < N_DAYS - 5:
                    p["referrals"].append(ref_day)
        lapse_p = 0.12 if good else 0.55
    if persona == "Habitué" and rng.random() < 0.12:
        ref_day = int(rng.integers(start, N_DAYS))
        p["referrals"].append(ref_day)
    if orders and rng.random() < lapse_p:
        lapse = orders[-1]["day"] + 45 + int(rng.exponential(90))
        if lapse < N_DAYS:
            p["statuts"].append((lapse, "consommateur concurrent"))


def _persona_for(rng, p: dict, initial: bool) -> str:
    if p["maturite_mode"] == "expert" and rng.random() < 0.85:
        return "Puriste"
    if initial:
        return "Habitué"
    return "Nouveau" if rng.random() < 0.8 else "Habitué"


def _simulate_person(rng, p: dict) -> None:
    """Decide statuses, persona, acquisition channel and orders of one person."""
    status = p["statut_initial"]
    entry = p["entry_day"]
    if status == "client":
        p["persona_simulee"] = _persona_for(rng, p, initial=True)
        p["canal_acquisition"] = _acquisition_channel(rng, p, None)
        _client_orders(rng, p, 0, initial=True)
        return
    if status == "non-consommateur absolu":
        return
    referred = bool(p["parrain"])
    if status == "non-consommateur relatif":
        if rng.random() >= 0.18:
            return
        wake = int(rng.integers(entry + 30, N_DAYS - 60))
        p["statuts"].append((wake, "prospect"))
        entry, status, rate = wake, "prospect", 0.25
    else:
        rate = {"prospect": 0.55, "consommateur concurrent": 0.30}[status]
    if referred:
        prob = 0.5
    else:
        prob = 1.0 - math.exp(-rate * (0.4 + _exposure_score(p)))
    if rng.random() >= prob or entry + 12 >= N_DAYS - 3:
        if status == "prospect" and not referred and rng.random() < 0.25:
            lost = int(rng.integers(entry + 20, N_DAYS))
            p["statuts"].append((lost, "consommateur concurrent"))
        return
    if referred:
        conv = entry + 15 + int(rng.exponential(25))
    else:
        conv = int(rng.integers(entry + 12, N_DAYS - 3))
    if conv >= N_DAYS - 1:
        return
    p["persona_simulee"] = _persona_for(rng, p, initial=False)
    if p["persona_simulee"] == "Puriste" and rng.random() < 0.75:
        nxt = [first for _, first, _ in COLLAB_DAYS if first >= conv]
        if nxt:
            conv = int(rng.integers(nxt[0], nxt[0] + 14))
    p["conv_day"] = conv
    p["canal_acquisition"] = "parrainage" if referred else _acquisition_channel(rng, p, conv)
    p["first_journey"]["boutique_visit"] = (
        p["persona_simulee"] == "Nouveau"
        and rng.random() < (0.45 if p["parisien"] else 0.12))
    p["statuts"].append((conv, "client"))
    _client_orders(rng, p, conv, initial=False)


def simulate_people(rng: np.random.Generator, n_people: int = N_PEOPLE) -> list[dict]:
    """Create the population and run every person's status and order history.

    Referred friends are appended to the list (they enter as prospects on the
    day of the referral, with ``parrain`` set) and are simulated in turn.
    """
    statuses = list(STATUS_P)
    probs = np.array(list(STATUS_P.values()))
    draws = rng.choice(len(statuses), size=n_people, p=probs / probs.sum())
    people = [_new_person(rng, f"P{i + 1:05d}", statuses[k], 0) for i, k in enumerate(draws)]
    i = 0
    while i < len(people):
        p = people[i]
        _simulate_person(rng, p)
        for ref_day in p["referrals"]:
            friend = _new_person(rng, f"P{len(people) + 1:05d}", "prospect", ref_day, like=p,
                                 parrain=p["id_personne"])
            people.append(friend)
        i += 1
    for p in people:
        p["statuts"].sort(key=lambda s: s[0])
    return people


# --------------------------------------------------------------------------- #
# 2. Orders and web sessions
# --------------------------------------------------------------------------- #

def build_orders(people: list[dict]) -> pd.DataFrame:
    """Collect every order, sorted by time, with ids ``C000001`` …"""
    rows = [o for p in people for o in p["orders"]]
    orders = pd.DataFrame(rows)
    orders = orders.sort_values(["ts", "id_personne"], kind="mergesort").reset_index(drop=True)
    orders.insert(0, "id_commande", [f"C{i + 1:06d}" for i in range(len(orders))])
    return orders


_STEP_BASE = np.array([0.68, 0.44, 0.70, 0.84])
_DEVICE_MULT = np.array([0.84, 1.06, 0.95])
_DEVICE_LOAD = np.array([2.6, 1.5, 2.0])


def build_sessions(rng, orders: pd.DataFrame, people: list[dict]) -> pd.DataFrame:
    """Web sessions: one converting session per online order, plus the others.

    A large pool of sessions is drawn with a funnel whose step rates fall on
    mobile and with the page load time; the pool is cut right after the n-th
    converting session (n = online orders), so that conversion rates by device
    and load time are those of the model. Converting sessions are then given to
    the online orders; the others to known people (65 %) or left anonymous.
    """
    online = orders[orders["canal"] != "boutique"]
    n_conv = len(online)
    pool = int(n_conv / 0.05) + 1000
    device = rng.choice(3, size=pool, p=[0.58, 0.34, 0.08])
    load = np.clip(rng.lognormal(np.log(_DEVICE_LOAD[device]), 0.45), 0.4, 12.0).round(1)
    source = rng.choice(len(SOURCES), size=pool, p=[0.22, 0.25, 0.1, 0.25, 0.1, 0.08])
    src_mult = np.array([1.1, 1.0, 1.05, 0.75, 1.2, 1.0])[source]
    load_mult = np.clip(np.exp(-0.10 * (load - 1.5)), 0.3, 1.08)
    probs = _STEP_BASE[None, :] * (_DEVICE_MULT[device] * load_mult)[:, None]
    probs[:, 0] *= src_mult
    passed = np.cumprod(rng.random((pool, 4)) < np.clip(probs, 0, 0.98), axis=1)
    depth = passed.sum(axis=1)
    conv_idx = np.flatnonzero(depth == 4)
    if len(conv_idx) < n_conv:  # pragma: no cover - pool is sized with a wide margin
        raise RuntimeError("Réserve de sessions trop petite pour les commandes en ligne.")
    cut = conv_idx[n_conv - 1] + 1
    device, load, source, depth = device[:cut], load[:cut], source[:cut], depth[:cut]
    is_conv = depth == 4
    n = cut
    start = np.zeros(n, dtype=np.int64)
    who = np.empty(n, dtype=object)
    # converting sessions, in pool order, go to the online orders in a random order
    order_rows = rng.permutation(n_conv)
    conv_pos = np.flatnonzero(is_conv)
    start[conv_pos] = online["ts"].to_numpy()[order_rows] - rng.integers(240, 1800, n_conv)
    who[conv_pos] = online["id_personne"].to_numpy()[order_rows]
    # the others
    other = np.flatnonzero(~is_conv)
    weight = np.array([{"client": 4.0, "prospect": 1.5, "consommateur concurrent": 1.0,
                        "non-consommateur relatif": 0.3, "non-consommateur absolu": 0.1}
                       [p["statut_initial"]] * (2.0 if p["persona_simulee"] else 1.0)
                       for p in people])
    ids = np.array([p["id_personne"] for p in people], dtype=object)
    entry = np.array([p["entry_day"] for p in people])
    chosen = rng.choice(len(people), size=len(other), p=weight / weight.sum())
    anonymous = rng.random(len(other)) < 0.35
    first = np.where(anonymous, 0, entry[chosen])
    days = first + (rng.random(len(other)) * (N_DAYS - first)).astype(int)
    hours = rng.choice(24, size=len(other), p=_WEB_HOURS)
    start[other] = days * DAY + hours * 3600 + rng.integers(0, 3600, len(other))
    who[other] = np.where(anonymous, "", ids[chosen])
    start = np.clip(start, 0, N_DAYS * DAY - 1)
    sessions = pd.DataFrame({
        "id_personne": who, "ts": start, "appareil": np.array(DEVICES)[device],
        "source": np.array(SOURCES)[source], "temps_chargement_s": load,
        "etape_max": np.array(["visite", "fiche produit", "panier", "paiement",
                               "commande"])[depth],
    })
    order_device = pd.Series(sessions.loc[conv_pos, "appareil"].to_numpy(),
                             index=online.index[order_rows])
    sessions = sessions.sort_values(["ts", "id_personne"], kind="mergesort")
    sessions = sessions.reset_index(drop=True)
    sessions.insert(0, "id_session", [f"S{i + 1:06d}" for i in range(len(sessions))])
    orders["appareil"] = order_device.reindex(orders.index).fillna("").to_numpy()
    return sessions


# --------------------------------------------------------------------------- #
# 3. Events (the journeys)
# --------------------------------------------------------------------------- #

class _Events:
    """Accumulate event rows (a tiny helper to keep the journey code readable)."""

    def __init__(self, rng):
        self.rng = rng
        self.rows: list[tuple] = []
        self.floor = 0  # no event before the person enters the population

    def add(self, pid, ts, tp, stage, device="", motif="", delay=math.nan, order=""):
        if self.floor <= ts < N_DAYS * DAY:
            if tp in WEB_TOUCHPOINTS and not device:
                device = _device(self.rng, tp)
            self.rows.append((pid, int(ts), tp, stage, device, motif, delay, order))

    def support(self, pid, ts, stage, motifs: dict[str, float]):
        tp = "chat" if self.rng.random() < 0.4 else "service client e-mail"
        day = int(ts // DAY)
        self.add(pid, ts, tp, stage, motif=_pick(self.rng, motifs),
                 delay=_response_delay(self.rng, tp, day))


def _place_before(rng, order_ts: int, steps: list[tuple]) -> list[tuple[int, tuple]]:
    """Give times to pre-purchase steps ``(stage, tp, kind, (dmin, dmax))`` in order.

    Each step is drawn ``d`` days before the order (``d = 0``: minutes before);
    the times are sorted and given back in the order of the steps, so the stages
    keep their order within the journey.
    """
    times = []
    order_day = order_ts // DAY
    for _, tp, _, (dmin, dmax) in steps:
        d = int(rng.integers(dmin, dmax + 1))
        if d == 0:
            times.append(order_ts - int(rng.integers(300, 3 * 3600)))
        else:
            times.append(_moment(rng, order_day - d, FORM_OF.get(tp, "virtuel")))
    return list(zip(sorted(times), steps, strict=True))


def _place_after(rng, order_ts: int, steps: list[tuple]) -> list[tuple[int, tuple]]:
    order_day = order_ts // DAY
    times = [_moment(rng, order_day + int(rng.integers(a, b + 1)), FORM_OF.get(tp, "virtuel"))
             for _, tp, _, (a, b) in steps]
    times = [max(t, order_ts + 600) for t in times]
    return list(zip(sorted(times), steps, strict=True))


def _emit(ev: _Events, pid: str, placed: list[tuple[int, tuple]]) -> None:
    for ts, (stage, tp, kind, _) in placed:
        if kind is None:
            ev.add(pid, ts, tp, stage)
        else:
            ev.support(pid, ts, stage, kind)


PRE_SIZE = {"taille": 0.55, "paiement": 0.2, "retours": 0.25}
AFTER_MOTIFS = {"livraison": 0.35, "retours": 0.3, "paiement": 0.15, "taille": 0.1,
                "conseil style": 0.1}


def _first_journey(rng, p: dict, order: dict) -> list[tuple]:
    """Pre-purchase steps of a new client's first order."""
    persona = p["persona_simulee"]
    steps = []
    if not p["parrain"]:  # referred friends: the referral (on entry) is the discovery
        besoin = "avis d'un proche" if rng.random() < 0.35 else "recherche web"
        steps.append(("besoin", besoin, None, (45, 70)))
        steps.append(("découverte", CHANNEL_TOUCHPOINT[p["canal_acquisition"]], None, (30, 44)))
    if persona == "Nouveau":
        if p["canal_acquisition"] != "blog":
            steps.append(("découverte", "blog", None, (5, 14) if p["parrain"] else (15, 29)))
        cons = [("considération", "blog", None, (3, 14)) for _ in range(rng.integers(2, 6))]
        cons += [("considération", "e-shop", None, (1, 12)) for _ in range(rng.integers(1, 4))]
        cons += [("considération", "x", PRE_SIZE, (1, 12)) for _ in range(rng.integers(2, 5))]
        if p["first_journey"].get("boutique_visit"):
            cons.append(("considération", "boutique", None, (2, 10)))
        rng.shuffle(cons)
        steps += cons
    elif persona == "Habitué":
        steps += [("considération", "blog", None, (3, 14)),
                  ("considération", "e-shop", None, (1, 6))]
        if rng.random() < 0.25:
            steps.append(("considération", "x", {"livraison": 0.5, "paiement": 0.5}, (1, 5)))
    else:  # Puriste
        steps += [("considération", "blog", None, (2, 25)) for _ in range(rng.integers(3, 7))]
        steps.append(("découverte", "Instagram", None, (3, 8)))
        steps.sort(key=lambda s: 0 if s[0] == "besoin" else 1 if s[0] == "découverte" else 2)
    if order["canal"] != "boutique":
        steps.append(("considération", "e-shop", None, (0, 0)))
    return steps


def _repeat_journey(rng, p: dict, order: dict) -> list[tuple]:
    persona = p["persona_simulee"]
    steps = []
    if persona == "Puriste":
        steps.append(("découverte", "newsletter" if rng.random() < 0.5 else "Instagram",
                      None, (4, 10)))
        steps += [("considération", "blog", None, (1, 3)) for _ in range(rng.integers(1, 4))]
    else:
        first = "newsletter" if rng.random() < 0.5 else "blog"
        steps.append(("considération", first, None, (2, 12)))
        if rng.random() < (0.1 if persona == "Habitué" else 0.3):
            steps.append(("considération", "x", PRE_SIZE, (1, 2)))
    if order["canal"] != "boutique":
        steps.append(("considération", "e-shop", None, (0, 0)))
    return steps


def _after_purchase(rng, p: dict, order: dict, oid: str, ev: _Events) -> None:
    pid = p["id_personne"]
    steps = []
    if order["canal"] == "e-shop":
        steps.append(("livraison", "livraison", None, (2, 4)))
    elif order["canal"] == "click & collect":
        steps.append(("livraison", "click & collect", None, (1, 3)))
    if order["retour"]:
        motif = {"taille": "taille", "retard de livraison": "livraison"}.get(
            order["motif_retour"], "retours")
        steps.append(("usage", "x", {motif: 1.0}, (5, 12)))
    elif p["persona_simulee"] == "Habitué" and rng.random() < 0.35:
        steps.append(("usage", "x", AFTER_MOTIFS, (3, 20)))
    elif rng.random() < 0.08:
        steps.append(("usage", "x", AFTER_MOTIFS, (3, 20)))
    if rng.random() < 0.3:
        steps.append(("usage", "blog", None, (10, 40)))
    if rng.random() < 0.6:
        steps.append(("fidélisation", "newsletter", None, (15, 60)))
    if rng.random() < 0.2:
        steps.append(("fidélisation", "Instagram", None, (20, 70)))
    _emit(ev, pid, _place_after(rng, order["ts"], steps))


def _background(rng, p: dict, ev: _Events) -> None:
    """Media exposures and persona habits spread over the two years."""
    pid, entry = p["id_personne"], p["entry_day"]
    span = N_DAYS - entry

    def days(k):
        return entry + rng.integers(0, span, size=k)

    if p["expo_facebook"]:
        for d in days(rng.poisson(3.0)):
            ev.add(pid, _moment(rng, int(d), "virtuel"), "Facebook", "découverte")
    if p["expo_instagram"]:
        for d in days(rng.poisson(1.2)):
            ev.add(pid, _moment(rng, int(d), "virtuel"), "Instagram", "découverte")
    offline = [("radio", "spot radio", "expo_radio", 0.9), ("affichage", "affiche",
               "expo_affichage", 0.8), ("cinema", "publicité cinéma", "expo_cinema", 0.9),
               ("presse", "article de presse", "expo_presse", 0.5)]
    for channel, tp, flag, prob in offline:
        if not p[flag]:
            continue
        for m in CAMPAIGN_MONTHS[channel]:
            first = _CUM_DAYS[m - 1]
            if first >= entry and rng.random() < prob / 2:
                d = int(rng.integers(first, _CUM_DAYS[m]))
                ev.add(pid, _moment(rng, d, "physique"), tp, "découverte")
    if p["parisien"] and rng.random() < 0.25:
        m = CAMPAIGN_MONTHS["flyers"][int(rng.integers(0, len(CAMPAIGN_MONTHS["flyers"])))]
        d = int(rng.integers(_CUM_DAYS[m - 1], _CUM_DAYS[m]))
        if d >= entry:
            ev.add(pid, _moment(rng, d, "physique"), "flyer", "découverte")
    persona = p["persona_simulee"]
    if persona:
        start = p["conv_day"] if p["conv_day"] is not None else 0
        active = N_DAYS - start

        def later(k):
            return start + rng.integers(0, active, size=k)

        if persona == "Habitué":
            for d in later(rng.poisson(6)):
                ev.add(pid, _moment(rng, int(d), "virtuel"), "Facebook", "fidélisation")
            for d in later(rng.poisson(8)):
                ev.add(pid, _moment(rng, int(d), "virtuel"), "blog", "usage")
            for d in later(rng.poisson(7)):
                ev.add(pid, _moment(rng, int(d), "virtuel"), "newsletter", "fidélisation")
        elif persona == "Puriste":
            for d in days(rng.poisson(38)):
                stage = "découverte" if rng.random() < 0.45 else "considération"
                ev.add(pid, _moment(rng, int(d), "virtuel"), "blog", stage)
    elif p["expo_blog"]:
        for d in days(rng.poisson(2.0)):
            ev.add(pid, _moment(rng, int(d), "virtuel"), "blog", "découverte")


def _prospect_journey(rng, p: dict, ev: _Events) -> None:
    """Journeys of people who never buy: they stop before the purchase."""
    status = p["statuts"][-1][1]
    if status == "non-consommateur absolu" or p["persona_simulee"]:
        return
    n_journeys = {"prospect": 1 + int(rng.random() < 0.4), "consommateur concurrent": 1,
                  "non-consommateur relatif": int(rng.random() < 0.4)}[status]
    pid, entry = p["id_personne"], p["entry_day"]
    for _ in range(n_journeys):
        if entry + 80 >= N_DAYS:
            anchor = N_DAYS - 1
        else:
            anchor = int(rng.integers(entry + 80, N_DAYS))
        steps = [("besoin", "avis d'un proche" if rng.random() < 0.3 else "recherche web",
                  None, (40, 70))]
        media = [tp for flag, tp in [("expo_facebook", "Facebook"),
                                     ("expo_instagram", "Instagram"),
                                     ("expo_affichage", "affiche"), ("expo_blog", "blog")]
                 if p[flag]] or ["recherche web"]
        steps.append(("découverte", media[int(rng.integers(0, len(media)))], None, (20, 39)))
        if status in ("prospect", "consommateur concurrent"):
            steps += [("considération", "blog", None, (5, 19))
                      for _ in range(rng.binomial(3, 0.4))]
            if rng.random() < 0.6:
                steps.append(("considération", "e-shop", None, (1, 4)))
            if rng.random() < 0.15:
                steps.append(("considération", "x", {"taille": 0.5, "livraison": 0.3,
                                                    "paiement": 0.2}, (1, 4)))
            if p["parisien"] and rng.random() < 0.1:
                steps.append(("considération", "boutique", None, (1, 4)))
        _emit(ev, pid, _place_before(rng, anchor * DAY + 12 * 3600, steps))


def build_events(rng, people: list[dict], orders: pd.DataFrame) -> pd.DataFrame:
    """Every touchpoint event of every person, sorted by time (``E0000001`` …)."""
    ev = _Events(rng)
    by_person = {pid: grp for pid, grp in orders.groupby("id_personne", sort=True)}
    for p in people:
        pid = p["id_personne"]
        ev.floor = p["entry_day"] * DAY
        _background(rng, p, ev)
        _prospect_journey(rng, p, ev)
        for pos, (_, o) in enumerate(by_person.get(pid, pd.DataFrame()).iterrows()):
            od = o.to_dict()
            is_first_new = pos == 0 and p["conv_day"] is not None
            steps = _first_journey(rng, p, od) if is_first_new else _repeat_journey(rng, p, od)
            _emit(ev, pid, _place_before(rng, od["ts"], steps))
            tp = od["canal"]
            ev.add(pid, od["ts"], tp, "achat", device=od["appareil"] if tp == "e-shop" else "",
                   order=od["id_commande"])
            _after_purchase(rng, p, od, od["id_commande"], ev)
        for ref_day in p["referrals"]:
            ev.add(pid, _moment(rng, ref_day, "bouche-à-oreille"), "parrainage",
                   "fidélisation")
        if p["parrain"]:
            ev.add(pid, _moment(rng, p["entry_day"], "bouche-à-oreille"), "parrainage",
                   "découverte")
    events = pd.DataFrame(ev.rows, columns=["id_personne", "ts", "point_de_contact", "etape",
                                            "appareil", "motif", "delai_reponse_min",
                                            "id_commande"])
    events["forme"] = events["point_de_contact"].map(FORM_OF)
    events = events.sort_values(["ts", "id_personne"], kind="mergesort").reset_index(drop=True)
    events.insert(0, "id_evenement", [f"E{i + 1:07d}" for i in range(len(events))])
    return events


# --------------------------------------------------------------------------- #
# 4. Survey
# --------------------------------------------------------------------------- #

TEMOIGNAGES = {
    "taille": [
        "J'ai dû renvoyer une commande, la taille ne tombait pas juste.",
        "Le guide des tailles mériterait d'être plus précis, j'ai hésité entre deux tailles.",
        "Le retour pour changer de taille s'est bien passé, mais j'aurais préféré viser juste.",
        "Entre deux tailles, j'ai écrit au service client avant de commander.",
    ],
    "conseil": [
        "Les articles du blog m'ont appris à choisir une chemise qui me va vraiment.",
        "J'ai découvert la marque par le blog, les conseils de style m'ont mis en confiance.",
        "Les guides du blog m'ont aidé à construire une garde-robe simple.",
        "Sans les explications du blog, je n'aurais pas osé commander en ligne.",
    ],
    "rapide": [
        "La commande est arrivée vite et bien emballée.",
        "Tout s'est bien passé, livraison rapide et pièces conformes aux photos.",
        "Je commande souvent, et c'est toujours simple et rapide.",
        "Le site est clair, je retrouve facilement mes tailles.",
    ],
    "lent": [
        "Le service client met trop de temps à répondre à mes messages.",
        "J'ai attendu plusieurs jours une réponse à un simple e-mail, c'est dommage.",
        "Les produits sont bons, mais les réponses du service client sont lentes.",
    ],
    "click": [
        "Le retrait en boutique est pratique, je passe après le travail.",
        "Le click & collect me fait gagner du temps, ma commande est prête le lendemain.",
    ],
    "boutique": [
        "Je suis passé en boutique pour toucher les tissus avant d'acheter.",
        "L'accueil en boutique est chaleureux, on prend le temps de conseiller.",
    ],
    "collab": [
        "J'attends les collaborations, ce sont des pièces qu'on ne trouve pas ailleurs.",
        "La dernière collaboration était superbe, dommage que les séries soient si courtes.",
        "Je lis tous les dossiers thématiques et j'achète surtout les éditions limitées.",
    ],
    "parrain": [
        "J'ai déjà recommandé la marque à des amis.",
        "Un ami m'a parlé de la marque, et il avait raison.",
    ],
    "concurrent": [
        "J'achète surtout chez d'autres marques, mais je jette un œil au site de temps en temps.",
        "Je connais la marque, mais mes habitudes sont ailleurs pour l'instant.",
        "Les prix me semblent un peu élevés par rapport à ce que j'achète d'habitude.",
        "J'ai déjà acheté ailleurs des pièces similaires, je compare avant de me décider.",
    ],
    "prospect": [
        "J'ai vu passer la marque sur les réseaux sociaux, je n'ai pas encore commandé.",
        "Le style me plaît, mais je ne sais pas encore quelle taille choisir.",
        "Je cherche une bonne veste et je compare plusieurs marques en ce moment.",
        "J'hésite à commander en ligne sans avoir essayé.",
    ],
    "relatif": [
        "J'achète rarement des vêtements, seulement quand j'en ai vraiment besoin.",
        "Je renouvelle ma garde-robe une fois par an, pas plus.",
        "Les vêtements ne sont pas ma priorité, j'achète le strict nécessaire.",
    ],
    "absolu": [
        "La mode ne m'intéresse pas du tout.",
        "Ce n'est pas pour moi, je ne m'habille pas dans ce genre de boutique.",
        "Je ne choisis pas mes vêtements moi-même, ce n'est pas un sujet pour moi.",
    ],
    "lapse": [
        "Ma dernière expérience m'a refroidi, je suis allé voir ailleurs.",
        "J'ai acheté une fois, puis j'ai trouvé mieux ailleurs.",
    ],
}


def _status_at(p: dict, day: int) -> str:
    status = p["statuts"][0][1]
    for d, s in p["statuts"]:
        if d <= day:
            status = s
    return status


def build_survey(rng, people: list[dict], orders: pd.DataFrame,
                 events: pd.DataFrame) -> pd.DataFrame:
    """A survey in autumn 2024 of ~1,500 people, clients over-represented."""
    first_day, last_day = _day("2024-10-01"), _day("2024-12-15")
    present = [p for p in people if p["entry_day"] < first_day]
    weight = np.array([3.0 if p["persona_simulee"] else 1.0 for p in present])
    n = min(1500, len(present))
    chosen = np.sort(rng.choice(len(present), size=n, replace=False, p=weight / weight.sum()))
    support = events[events["delai_reponse_min"].notna()]
    delay = support.groupby("id_personne")["delai_reponse_min"].mean()
    by_person = {pid: grp for pid, grp in orders.groupby("id_personne", sort=True)}
    rows = []
    for k in chosen:
        p = present[int(k)]
        pid = p["id_personne"]
        day = int(rng.integers(first_day, last_day + 1))
        status = _status_at(p, day)
        persona = p["persona_simulee"]
        mine = by_person.get(pid)
        mine = mine[mine["day"] <= day] if mine is not None else None
        bought = mine is not None and len(mine) > 0
        topics = []
        if bought:
            size_ret = bool((mine["motif_retour"] == "taille").any())
            d = float(delay.get(pid, math.nan))
            hours = 0.5 if math.isnan(d) else d / 60.0
            sat = 4.6 - 0.45 * math.log1p(hours) - (0.9 if size_ret else 0.0)
            if persona == "Puriste":
                sat += 0.3 if mine["collaboration"].any() else -0.2
            if status != "client":
                sat -= 1.0
                topics.append("lapse")
            sat += rng.normal(0, 0.45)
            if size_ret:
                topics.append("taille")
            if persona == "Nouveau" and not size_ret:
                topics.append("conseil")
            if hours > 12:
                topics.append("lent")
            elif persona == "Habitué":
                topics.append("rapide")
            if (mine["canal"] == "click & collect").any():
                topics.append("click")
            if (mine["canal"] == "boutique").any() or p["first_journey"].get("boutique_visit"):
                topics.append("boutique")
            if mine["collaboration"].any():
                topics.append("collab")
            if p["referrals"] or p["parrain"]:
                topics.append("parrain")
            if not topics:
                topics.append("rapide")
        else:
            sat = {"consommateur concurrent": 3.0, "prospect": 3.3,
                   "non-consommateur relatif": 2.8, "non-consommateur absolu": 2.5,
                   "client": 3.5}[status] + rng.normal(0, 0.7)
            topics.append({"consommateur concurrent": "concurrent", "prospect": "prospect",
                           "non-consommateur relatif": "relatif",
                           "non-consommateur absolu": "absolu", "client": "prospect"}[status])
        satisfaction = int(np.clip(round(sat), 1, 5))
        nps = int(np.clip(round(2.2 * satisfaction - 1.2 + rng.normal(0, 1.0)), 0, 10))
        if status == "non-consommateur absolu":
            need = "aucun"
        elif status == "non-consommateur relatif":
            need = "rare"
        elif status == "client" and persona == "Habitué":
            need = "régulier"
        else:
            need = _pick(rng, {"occasionnel": 0.6, "régulier": 0.4})
        if persona == "Puriste":
            source = _pick(rng, {"blog": 0.6, "presse": 0.2, "boutique": 0.2})
        elif persona == "Nouveau":
            source = _pick(rng, {"blog": 0.45, "moteur de recherche": 0.25, "proches": 0.2,
                                 "boutique": 0.1})
        elif persona == "Habitué":
            source = _pick(rng, {"blog": 0.4, "réseaux sociaux": 0.35,
                                 "moteur de recherche": 0.25})
        elif status in ("non-consommateur absolu", "non-consommateur relatif"):
            source = _pick(rng, {"proches": 0.5, "réseaux sociaux": 0.3, "boutique": 0.2})
        else:
            source = _pick(rng, {"moteur de recherche": 0.35, "réseaux sociaux": 0.3,
                                 "boutique": 0.2, "presse": 0.05, "proches": 0.1})
        elsewhere = status == "consommateur concurrent" or (
            persona == "Puriste" and rng.random() < 0.3)
        picked = [topics[int(i)] for i in rng.permutation(len(topics))[:2]]
        text = " ".join(TEMOIGNAGES[t][int(rng.integers(0, len(TEMOIGNAGES[t])))]
                        for t in picked)
        rows.append((pid, day, satisfaction, nps, source, need, bool(elsewhere), text))
    survey = pd.DataFrame(rows, columns=["id_personne", "day", "satisfaction", "nps",
                                         "source_info", "besoin", "achete_ailleurs",
                                         "temoignage"])
    return survey.sort_values("id_personne", kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- #
# 5. Marketing spend, inventory, collaborations
# --------------------------------------------------------------------------- #

def build_spend(rng, people: list[dict]) -> pd.DataFrame:
    """Monthly spend per marketing channel (offline channels only in campaign months)."""
    referred = np.zeros(24)
    for p in people:
        if p["canal_acquisition"] == "parrainage" and p["conv_day"] is not None:
            referred[month_of(p["conv_day"]) - 1] += 1
    rows = []
    for m in range(1, 25):
        month = START_DATE + pd.DateOffset(months=m - 1)
        for ch in CHANNELS:
            if ch == "parrainage":
                spend = referred[m - 1] * REFERRAL_REWARD
            elif ch in CAMPAIGN_MONTHS and m not in CAMPAIGN_MONTHS[ch]:
                spend = 0.0
            else:
                spend = MONTHLY_BUDGET[ch] * rng.uniform(0.85, 1.15)
            rows.append((month, ch, round(float(spend), 2)))
    return pd.DataFrame(rows, columns=["mois", "canal_marketing", "depense_eur"])


def build_touchpoints(spend: pd.DataFrame) -> pd.DataFrame:
    """The touchpoint inventory (one row per touchpoint).

    ``spend`` needs ``canal_marketing`` and ``depense_eur``: the monthly cost of a
    touchpoint with a marketing channel is that channel's mean monthly spend over
    the 24 months; the other costs (shop, e-shop, delivery…) are fixed estimates.
    """
    cols = list(SCHEMAS["points_de_contact"])
    table = pd.DataFrame(TOUCHPOINTS, columns=cols)
    mean_spend = spend.groupby("canal_marketing")["depense_eur"].sum() / 24
    marketed = table["canal_marketing"] != ""
    table.loc[marketed, "cout_mensuel_eur"] = (
        table.loc[marketed, "canal_marketing"].map(mean_spend).round(2))
    return table


def build_collaborations() -> pd.DataFrame:
    """The brand collaborations and their windows."""
    return pd.DataFrame(
        [(n, pd.Timestamp(a), pd.Timestamp(b)) for n, a, b in COLLABORATIONS],
        columns=list(SCHEMAS["collaborations"]))


# --------------------------------------------------------------------------- #
# Assembly and writing
# --------------------------------------------------------------------------- #

def _seconds_to_datetime(seconds) -> pd.Series:
    return START_DATE + pd.to_timedelta(np.asarray(seconds, dtype=np.int64), unit="s")


def _days_to_date(days) -> pd.Series:
    return START_DATE + pd.to_timedelta(np.asarray(days, dtype=np.int64), unit="D")


def simulate(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Simulate the shop and return every table of ``SCHEMAS``.

    Parameters
    ----------
    seed : int
        Seed of the random generator; the bundled data use ``DEFAULT_SEED``.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{table name: DataFrame}`` with the columns of ``SCHEMAS[name]`` in order
        (dates as Timestamps, missing text as ``""``, missing numbers as NaN).
    """
    rng = np.random.default_rng(seed)
    people = simulate_people(rng)
    orders = build_orders(people)
    sessions = build_sessions(rng, orders, people)
    events = build_events(rng, people, orders)
    survey = build_survey(rng, people, orders, events)
    spend = build_spend(rng, people)

    personnes = pd.DataFrame([{k: p[k] for k in SCHEMAS["personnes"] if k != "date_entree"}
                              | {"date_entree": p["entry_day"]} for p in people])
    personnes["date_entree"] = _days_to_date(personnes["date_entree"])
    statuts = pd.DataFrame([(p["id_personne"], d, s) for p in people for d, s in p["statuts"]],
                           columns=["id_personne", "date_effet", "statut"])
    statuts["date_effet"] = _days_to_date(statuts["date_effet"])
    orders["date_commande"] = _seconds_to_datetime(orders["ts"])
    events["horodatage"] = _seconds_to_datetime(events["ts"])
    sessions["debut"] = _seconds_to_datetime(sessions["ts"])
    survey["date_reponse"] = _days_to_date(survey["day"])
    tables = {
        "personnes": personnes, "statuts": statuts, "evenements": events,
        "sessions_web": sessions, "commandes": orders, "enquete": survey,
        "points_de_contact": build_touchpoints(spend), "depenses_marketing": spend,
        "collaborations": build_collaborations(),
    }
    return {name: tables[name][list(SCHEMAS[name])].reset_index(drop=True) for name in SCHEMAS}


_DECIMALS = {"montant_ttc": 2, "marge_brute": 2, "montant_rembourse": 2,
             "cout_mensuel_eur": 2, "depense_eur": 2}


def format_table(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Turn a simulated table into text columns, as written to the CSV files."""
    out = {}
    for col, kind in SCHEMAS[name].items():
        s = df[col]
        if kind == "bool":
            out[col] = s.map({True: "True", False: "False"})
        elif kind == "int":
            out[col] = s.astype("int64").astype(str)
        elif kind == "float":
            fmt = f"{{:.{_DECIMALS.get(col, 1)}f}}"
            out[col] = [("" if pd.isna(v) else fmt.format(v)) for v in s]
        elif kind == "date":
            out[col] = pd.to_datetime(s).dt.strftime("%Y-%m-%d")
        elif kind == "datetime":
            out[col] = pd.to_datetime(s).dt.strftime("%Y-%m-%d %H:%M:%S")
        else:
            out[col] = s.fillna("").astype(str)
    return pd.DataFrame(out)


def write_tables(tables: dict[str, pd.DataFrame], out: str | Path) -> list[Path]:
    """Write each table to ``<out>/<name>.csv`` (UTF-8, comma, ``\\n`` line ends)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in SCHEMAS:
        path = folder / f"{name}.csv"
        format_table(tables[name], name).to_csv(path, index=False, lineterminator="\n",
                                                encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m parcours_helpers.simulation --out DIR [--seed N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m parcours_helpers.simulation",
        description="Simule la boutique Maison Beaufil et écrit les tables CSV du cours.")
    parser.add_argument("--out", required=True, help="dossier où écrire les fichiers CSV")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"graine du générateur aléatoire (défaut : {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    tables = simulate(args.seed)
    paths = write_tables(tables, args.out)
    seconds = time.perf_counter() - t0
    for path, name in zip(paths, SCHEMAS, strict=True):
        print(f"{path} : {len(tables[name])} lignes")
    print(f"Données simulées en {seconds:.1f} s (graine {args.seed}).")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
