import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from parcours_helpers import personas


def people():
    return pd.DataFrame({
        "id_personne": ["a", "b", "c", "d"],
        "age": [30, 40, 50, 20],
        "csp": ["étudiant", "cadre", "cadre", "ouvrier"],
        "parisien": [True, False, True, True],
        "maturite_mode": ["débutant", "débutant", "expert", "débutant"],
    })


def orders():
    return pd.DataFrame({
        "id_personne": ["a", "a", "b", "c", "d"],
        "canal": ["e-shop", "boutique", "e-shop", "e-shop", "boutique"],
        "montant_ttc": [100.0, 50.0, 90.0, 200.0, 10.0],
        "collaboration": [False, False, False, True, False],
    })


def events():
    rows = [("a", "chat", "taille"), ("a", "service client e-mail", "taille"),
            ("b", "chat", "retours"), ("a", "blog", None), ("b", "blog", None),
            ("b", "newsletter", None), ("a", "livraison", None), ("a", "livraison", None),
            ("a", "livraison", None), ("c", "blog", None), ("c", "blog", None),
            ("c", "Instagram", None), ("d", "flyer", None)]
    return pd.DataFrame(rows, columns=["id_personne", "point_de_contact", "motif"])


def survey():
    return pd.DataFrame({
        "id_personne": ["a", "b", "c", "d"],
        "satisfaction": [4, 2, 5, 1],
        "nps": [10, 3, 9, 0],
        "temoignage": ["Top. Rapide.", "Trop cher. Rapide.", "Collab géniale.", "Bof."],
    })


SEGMENT_OF = pd.Series(["Puriste", "Nouveau", "Nouveau"], index=["c", "a", "b"])


def profiles():
    return personas.segment_profiles(SEGMENT_OF, people(), orders(), events(), survey(),
                                     min_quote_count=2)


@pytest.mark.parametrize("scores,expected", [
    ([10, 9, 8, 7, 3], 20.0),           # 2 promoters, 1 detractor out of 5
    ([6, 6, 10], -100 / 3),
    ([9, 10, np.nan], 100.0),           # a missing answer is left out
    ([7, 8], 0.0),                      # passives only
])
def test_net_promoter_score(scores, expected):
    assert personas.net_promoter_score(scores) == pytest.approx(expected)


def test_net_promoter_score_edges():
    assert np.isnan(personas.net_promoter_score([]))
    with pytest.raises(ValueError, match="entre 0 et 10"):
        personas.net_promoter_score([11])


def test_split_sentences():
    assert personas.split_sentences("Bien. Vraiment ! Et vous ?  Oui…") == [
        "Bien.", "Vraiment !", "Et vous ?", "Oui…"]
    assert personas.split_sentences(np.nan) == []


def test_typical_quote_prefers_what_the_segment_says_more_than_others():
    texts = pd.Series(["Rapide. Cher.", "Rapide. Cher.", "Cher.", "Cher."],
                      index=["x1", "x2", "y1", "y2"])
    seg = pd.Series(["X", "X", "Y", "Y"], index=texts.index)
    # "Cher." is said by all: lift 1; "Rapide." only by X: lift (2/2) / (2/4) = 2
    assert personas.typical_quote(texts, seg, "X", min_count=2) == "Rapide."
    assert personas.typical_quote(texts, seg, "Y", min_count=2) == "Cher."
    # nobody in X says a sentence 3 times: fall back to the most said (tie: alphabetical)
    assert personas.typical_quote(texts, seg, "X", min_count=3) == "Cher."
    assert personas.typical_quote(texts, seg, "Z") == ""


def test_segment_profiles_on_paper():
    p = profiles()
    assert list(p.index) == ["Nouveau", "Puriste"]  # course order, only present segments
    n = p.loc["Nouveau"]
    assert n["prenom"] == "Diego" and n["clients"] == 2
    assert n["age_median"] == 35.0 and n["part_paris"] == 0.5
    assert n["csp_principale"] == "cadre"  # tie cadre/étudiant: alphabetical
    assert n["commandes_par_client"] == 1.5 and n["panier_moyen"] == 80.0
    assert n["part_eshop"] == pytest.approx(2 / 3) and n["part_boutique"] == pytest.approx(1 / 3)
    assert n["part_click_collect"] == 0.0 and n["part_collaboration"] == 0.0
    assert n["contacts_sc_par_client"] == 1.5
    assert n["besoins"] == "taille (67\u202f%), retours (33\u202f%)"
    assert n["points_de_contact"] == "blog, newsletter"  # support and delivery left out
    assert n["repondants"] == 2 and n["satisfaction"] == 3.0 and n["nps"] == 0.0
    assert n["citation"] == "Rapide."
    assert "35 ans" in n["portrait"] and "50\u202f% à Paris" in n["portrait"]


def test_segment_profiles_puriste_and_person_without_segment():
    e = profiles().loc["Puriste"]
    assert e["prenom"] == "Eric" and e["clients"] == 1 and e["panier_moyen"] == 200.0
    assert e["part_collaboration"] == 1.0 and e["nps"] == 100.0
    assert e["besoins"] == "aucun contact au service client"
    assert e["points_de_contact"] == "blog, Instagram"
    assert e["citation"] == "Collab géniale."  # below min_count: the most said sentence
    # "d" has no segment: the flyer and the 10 € order count nowhere
    assert "flyer" not in " ".join(profiles()["points_de_contact"])


def test_segment_profiles_errors():
    with pytest.raises(ValueError, match="« temoignage »"):
        personas.segment_profiles(SEGMENT_OF, people(), orders(), events(),
                                  survey().drop(columns="temoignage"))
    with pytest.raises(ValueError, match="Aucun client n'a de segment"):
        personas.segment_profiles(pd.Series([np.nan, ""], index=["a", "b"]), people(),
                                  orders(), events(), survey())


def test_plot_persona_card_draws_the_profile():
    p = profiles()
    ax = personas.plot_persona_card(p.loc["Nouveau"])
    texts = [t.get_text() for t in ax.texts]
    assert "Diego — le Nouveau" in texts
    assert "« Rapide. »" in texts
    assert "80\u202f€" in texts and "\u22120" not in texts and "0" in texts  # NPS 0: no sign
    assert any(t.startswith("1,5 contacts par client") for t in texts)
    assert ax.figure.get_size_inches().round(1).tolist() == [13.0, 7.3]
    plt.close(ax.figure)


def test_plot_persona_card_scales_fonts_to_the_page():
    row = profiles().loc["Puriste"]
    slide = personas.plot_persona_card(row)
    a5 = personas.plot_persona_card(row, size="A5")
    title_slide = next(t for t in slide.texts if t.get_text().startswith("Eric"))
    title_a5 = next(t for t in a5.texts if t.get_text().startswith("Eric"))
    assert title_slide.get_fontsize() == pytest.approx(30)
    # the A5 Axes is 0.96 × 8.27 in wide, against 12.4 in for the slide
    assert title_a5.get_fontsize() == pytest.approx(30 * 0.96 * 8.27 / 12.4)
    assert a5.figure.get_size_inches().round(2).tolist() == [8.27, 5.83]
    plt.close("all")


def test_plot_persona_card_on_given_axes_and_errors():
    fig, axes = plt.subplots(1, 2, figsize=(26, 7.3))
    row = profiles().loc["Puriste"].copy()
    row["nps"] = -12.4
    out = personas.plot_persona_card(row, ax=axes[1], colour="#123456")
    assert out is axes[1] and not axes[0].texts
    assert "\u221212" in [t.get_text() for t in out.texts]
    plt.close(fig)
    with pytest.raises(ValueError, match="« citation »"):
        personas.plot_persona_card(row.drop("citation"))
    with pytest.raises(ValueError, match="Format de fiche inconnu : « A3 »"):
        personas.plot_persona_card(row, size="A3")


def test_save_cards_pdf_writes_one_page_of_the_exact_size_per_segment(tmp_path):
    with plt.rc_context({"savefig.bbox": "tight"}):  # as under style.apply(): must not crop
        out = personas.save_cards_pdf(profiles(), tmp_path / "fiches.pdf", size="A5")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(boxes) == 2  # Nouveau and Puriste
    for width, height in boxes:  # A5 landscape in points: 8.27 × 5.83 in × 72
        assert float(width) == pytest.approx(8.27 * 72, abs=0.5)
        assert float(height) == pytest.approx(5.83 * 72, abs=0.5)
    assert not plt.get_fignums()  # the figures are closed
    with pytest.raises(ValueError, match="vide"):
        personas.save_cards_pdf(profiles().iloc[:0], tmp_path / "vide.pdf")
