//! Layout recovery on synthetic pages: ligatures, hyphenation, columns,
//! ruled tables, bullets, page numbers and line kinds.

use super::hyphens::Vocab;
use super::kinds::{is_enumerator, is_heading_start, is_label_start};
use super::running::is_page_number;
use super::*;
use crate::ingest::format::PAGE_BREAK;

fn words(text: &str, x0: f64, y: f64, size: f64) -> Vec<Run> {
    // One run per word, 0.5 em per character, 0.25 em spaces.
    let mut out = Vec::new();
    let mut x = x0;
    for w in text.split(' ') {
        let wd = 0.5 * size * w.chars().count() as f64;
        out.push(Run::new(w, x, x + wd, y, size));
        x += wd + 0.25 * size;
    }
    out
}

fn page(runs: Vec<Run>, shapes: Vec<Shape>) -> PageIn {
    PageIn {
        x0: 0.0,
        y0: 0.0,
        x1: 595.0,
        y1: 842.0,
        runs,
        shapes,
    }
}

#[test]
fn ligatures_and_invisible_chars() {
    assert_eq!(
        normalize_text("ﬁnancement ﬂux eﬀet eﬃcace souﬄe"),
        "financement flux effet efficace souffle"
    );
    assert_eq!(normalize_text("cœur\u{200B}\u{FEFF}"), "cœur");
    assert_eq!(normalize_text("a\u{00A0}b"), "a b");
    let p = page(words("ﬁche œuvre", 50.0, 700.0, 10.0), vec![]);
    let (t, _) = assemble(vec![layout_page(&p)], None);
    assert_eq!(t, "fiche œuvre");
}

#[test]
fn hyphenation() {
    let v = Vocab::from_lines(
        [
            "le projet social",
            "des enfants et des parents",
            "la Haute-Garonne",
        ]
        .into_iter(),
    );
    assert!(v.glue_hyphenated("accompa", "gnement"));
    assert!(!v.glue_hyphenated("Haute", "Garonne"));
    assert!(!v.glue_hyphenated("Val", "d'Oise"));
    assert!(!v.glue_hyphenated("enfants", "parents"));
    // Seen elsewhere with the hyphen: kept.
    let v2 = Vocab::from_lines(["un lieu enfants-parents"].into_iter());
    assert!(!v2.glue_hyphenated("enfants", "parents"));
    // Seen elsewhere glued: glued.
    let v3 = Vocab::from_lines(["pour poursuivre le travail"].into_iter());
    assert!(v3.glue_hyphenated("pour", "suivre"));
}

/// One run per word, spaces stretched so the line ends at `x1` (justified).
fn justified(text: &str, x0: f64, x1: f64, y: f64, size: f64) -> Vec<Run> {
    let ws: Vec<&str> = text.split(' ').collect();
    let total: f64 = ws
        .iter()
        .map(|w| 0.5 * size * w.chars().count() as f64)
        .sum();
    let gap = if ws.len() > 1 {
        (x1 - x0 - total) / (ws.len() - 1) as f64
    } else {
        0.0
    };
    let mut x = x0;
    ws.iter()
        .map(|w| {
            let wd = 0.5 * size * w.chars().count() as f64;
            let r = Run::new(w, x, x + wd, y, size);
            x += wd + gap;
            r
        })
        .collect()
}

#[test]
fn hyphenation_in_paragraph() {
    let mut runs = Vec::new();
    let size = 10.0;
    let (l, r) = (50.0, 300.0);
    runs.extend(justified(
        "il faut un bon et solide accompa-",
        l,
        r,
        700.0,
        size,
    ));
    runs.extend(justified(
        "gnement des familles en Haute-",
        l,
        r,
        688.0,
        size,
    ));
    runs.extend(justified(
        "Garonne et des enfants et enfants-",
        l,
        r,
        676.0,
        size,
    ));
    runs.extend(justified("parents toute la semaine des", l, r, 664.0, size));
    runs.extend(words("enfants et des parents", l, 652.0, size));
    let t = one_page_text(runs);
    assert_eq!(
        t,
        "il faut un bon et solide accompagnement des familles en Haute-Garonne et des enfants et enfants-parents toute la semaine des enfants et des parents"
    );
}

#[test]
fn columns_read_one_after_the_other() {
    let mut runs = Vec::new();
    let size = 10.0;
    for i in 0..8 {
        let y = 700.0 - 12.0 * i as f64;
        runs.extend(words(
            &format!("gauche ligne {i} texte suivi"),
            50.0,
            y,
            size,
        ));
        runs.extend(words(
            &format!("droite ligne {i} texte suivi"),
            320.0,
            y,
            size,
        ));
    }
    let out = layout_page(&page(runs, vec![]));
    let (t, _) = assemble(vec![out], None);
    let g = t.find("gauche ligne 7").unwrap();
    let d = t.find("droite ligne 0").unwrap();
    assert!(g < d, "{t}");
}

#[test]
fn ruled_table_rows() {
    let size = 9.0;
    let mut runs = Vec::new();
    runs.extend(words("Statut", 60.0, 700.0, size));
    runs.extend(words("municipal", 200.0, 700.0, size));
    runs.extend(words("Contact", 60.0, 680.0, size));
    runs.extend(words("référent", 60.0, 670.0, size));
    runs.extend(words("Magali", 200.0, 680.0, size));
    let mut shapes = Vec::new();
    for y in [712.0, 690.0, 664.0] {
        shapes.push(Shape {
            x0: 55.0,
            x1: 400.0,
            y0: y - 0.4,
            y1: y + 0.4,
            blob: true,
        });
    }
    for x in [55.0, 190.0, 400.0] {
        shapes.push(Shape {
            x0: x - 0.4,
            x1: x + 0.4,
            y0: 664.0,
            y1: 712.0,
            blob: true,
        });
    }
    let (t, _) = assemble(vec![layout_page(&page(runs, shapes))], None);
    assert_eq!(t, "Statut\tmunicipal\nContact référent\tMagali");
}

/// The text of one page holding `runs` and no drawing.
fn one_page_text(runs: Vec<Run>) -> String {
    assemble(vec![layout_page(&page(runs, vec![]))], None).0
}

/// Runs for `(text, x, baseline)` triples, at `size`.
fn placed(lines: &[(&str, f64, f64)], size: f64) -> Vec<Run> {
    lines
        .iter()
        .flat_map(|&(text, x, y)| words(text, x, y, size))
        .collect()
}

#[test]
fn a_borderless_table_with_spaced_rows_keeps_each_cell_in_its_row() {
    // Rows 18 pt apart, a cell's lines 12 pt apart; a label centred beside a value of two
    // lines, a value centred beside a label of three (as word processors print them).
    let runs = placed(
        &[
            ("Statut", 60.0, 700.0),
            ("municipal", 200.0, 700.0),
            ("Direction des Solidarités et de la", 200.0, 682.0),
            ("Structure porteuse", 60.0, 676.0),
            ("Petite Enfance, Ville de Cergy", 200.0, 670.0),
            ("Recensement,", 60.0, 652.0),
            ("référencement,", 60.0, 640.0),
            ("Oui : en cours", 200.0, 640.0),
            ("information", 60.0, 628.0),
            ("Partenaires", 60.0, 610.0),
            ("CDRIML, Réseau Alpha,", 200.0, 610.0),
            ("association Afi", 200.0, 598.0),
        ],
        10.0,
    );
    let t = one_page_text(runs);
    assert_eq!(
        t,
        "Statut\tmunicipal\n\
         Structure porteuse\tDirection des Solidarités et de la Petite Enfance, Ville de Cergy\n\
         Recensement, référencement, information\tOui : en cours\n\
         Partenaires\tCDRIML, Réseau Alpha, association Afi"
    );
}

#[test]
fn an_axe_beside_its_objectifs_is_a_column_of_its_own() {
    // The axe's column ends 7 pt before the objectifs' (less than a gutter between page
    // columns); it holds text in one row only.
    let runs = placed(
        &[
            ("Objectif 1 : Prévenir", 122.0, 700.0),
            ("Action 1 : Poursuivre", 300.0, 700.0),
            ("Axe 2 :", 60.0, 682.0),
            ("Objectif 2 : Répondre", 122.0, 682.0),
            ("Action 2 : Structurer", 300.0, 682.0),
            ("Accompagner", 60.0, 670.0),
            ("aux besoins", 122.0, 670.0),
            ("familles", 60.0, 658.0),
            ("Objectif 3 : Accompagner", 122.0, 640.0),
            ("Action 3 : Renforcer", 300.0, 640.0),
        ],
        10.0,
    );
    let t = one_page_text(runs);
    assert_eq!(
        t,
        "\tObjectif 1 : Prévenir\tAction 1 : Poursuivre\n\
         Axe 2 : Accompagner familles\tObjectif 2 : Répondre aux besoins\tAction 2 : Structurer\n\
         \tObjectif 3 : Accompagner\tAction 3 : Renforcer"
    );
}

#[test]
fn columns_of_text_with_their_own_paragraph_breaks_stay_columns() {
    // Each column leaves white between its paragraphs, never where the other does: no
    // white band crosses both, so they are no table.
    let mut runs = Vec::new();
    let mut y_left = 700.0;
    let mut y_right = 700.0;
    for i in 0..8 {
        runs.extend(words(
            &format!("gauche ligne {i} texte suivi"),
            50.0,
            y_left,
            10.0,
        ));
        runs.extend(words(
            &format!("droite ligne {i} texte suivi"),
            320.0,
            y_right,
            10.0,
        ));
        y_left -= if i == 2 { 18.0 } else { 12.0 };
        y_right -= if i == 5 { 18.0 } else { 12.0 };
    }
    let t = one_page_text(runs);
    assert!(!t.contains('\t'), "{t}");
    let g = t.find("gauche ligne 7").unwrap();
    let d = t.find("droite ligne 0").unwrap();
    assert!(g < d, "{t}");
}

#[test]
fn columns_of_text_whose_paragraph_breaks_meet_now_and_then_stay_columns() {
    // Four paragraphs a column, 18 pt between them; the first break is level in both
    // columns (so two paragraphs start level in each), the others are not.
    let mut runs = Vec::new();
    for (x, side, breaks) in [(50.0, "gauche", [2, 5, 8]), (320.0, "droite", [2, 4, 9])] {
        let mut y = 700.0;
        for i in 0..12 {
            runs.extend(words(&format!("{side} ligne {i} texte suivi"), x, y, 10.0));
            y -= if breaks.contains(&i) { 18.0 } else { 12.0 };
        }
    }
    let t = one_page_text(runs);
    assert!(!t.contains('\t'), "{t}");
    let g = t.find("gauche ligne 11").unwrap();
    let d = t.find("droite ligne 0").unwrap();
    assert!(g < d, "{t}");
}

#[test]
fn a_ragged_column_beside_an_indented_one_is_read_first() {
    // Left: ragged lines (no justification reaches the gutter). Right: a heading, bullets
    // and their text on three left edges (none of them on the gutter's edge).
    let left = [
        "Une augmentation des enfants suivis",
        "en milieu scolaire",
        "Des enjeux de formation des animateurs",
        "et des accompagnants",
        "Une dynamique de collaboration",
        "entre les accueils de loisirs",
        "Une cellule de veille",
    ];
    let right = [
        (320.0, "ENJEUX"),
        (342.0, "•"),
        (356.0, "Une installation du pôle"),
        (356.0, "jeunesse dans ses locaux"),
        (342.0, "•"),
        (356.0, "Des enjeux de visibilité"),
        (356.0, "du contrat local"),
    ];
    let mut runs = Vec::new();
    for (i, text) in left.iter().enumerate() {
        runs.extend(words(text, 50.0, 700.0 - 14.0 * i as f64, 10.0));
    }
    let mut y = 700.0;
    for (x, text) in right {
        runs.extend(words(text, x, y, 10.0));
        if text != "•" {
            y -= 14.0;
        }
    }
    let t = one_page_text(runs);
    let last_left = t.find("Une cellule de veille").unwrap();
    let first_right = t.find("ENJEUX").unwrap();
    assert!(last_left < first_right, "{t}");
    assert!(
        t.contains("Une installation du pôle jeunesse dans ses locaux"),
        "{t}"
    );
}

/// A page holding one table of two columns with every border drawn (closed at both ends,
/// as word processors draw a table cut by a page break): `rows` of (left, right) text,
/// one line each, 20 pt apart from y = 700.
fn closed_table_page(rows: &[(&str, &str)]) -> PageIn {
    let size = 9.0;
    let mut runs = Vec::new();
    let mut shapes = Vec::new();
    let rule = |x0: f64, x1: f64, y0: f64, y1: f64| Shape {
        x0,
        x1,
        y0,
        y1,
        blob: true,
    };
    let bottom = 712.0 - 20.0 * rows.len() as f64;
    for (i, (left, right)) in rows.iter().enumerate() {
        let y = 700.0 - 20.0 * i as f64;
        runs.extend(words(left, 60.0, y, size));
        runs.extend(words(right, 200.0, y, size));
        shapes.push(rule(55.0, 400.0, y + 11.6, y + 12.4));
    }
    shapes.push(rule(55.0, 400.0, bottom - 0.4, bottom + 0.4));
    for x in [55.0, 190.0, 400.0] {
        shapes.push(rule(x - 0.4, x + 0.4, bottom, 712.0));
    }
    page(runs, shapes)
}

#[test]
fn a_row_cut_by_a_page_break_between_closed_borders_is_glued_back() {
    let first = closed_table_page(&[
        ("Action 1", "Favoriser l'accès"),
        ("Action 2", "Favoriser l'utilisation des"),
    ]);
    let rest = closed_table_page(&[
        ("", "dispositifs existants"),
        ("Action 3", "Travailler en lien"),
    ]);
    let (t, _) = assemble(vec![layout_page(&first), layout_page(&rest)], None);
    assert_eq!(
        t,
        format!(
            "Action 1\tFavoriser l'accès\n\
             Action 2\tFavoriser l'utilisation des {PAGE_BREAK}dispositifs existants\n\
             Action 3\tTravailler en lien"
        )
    );
    // A first row that starts its own sentence is a row of its own.
    let next = closed_table_page(&[("Action 3", "Travailler en lien"), ("Action 4", "Agir tôt")]);
    let (t, _) = assemble(vec![layout_page(&first), layout_page(&next)], None);
    assert_eq!(
        t,
        format!(
            "Action 1\tFavoriser l'accès\n\
             Action 2\tFavoriser l'utilisation des\n\n\
             {PAGE_BREAK}Action 3\tTravailler en lien\n\
             Action 4\tAgir tôt"
        )
    );
}

#[test]
fn bullets_and_page_numbers() {
    let size = 10.0;
    let mut p1 = words("Titre du document", 50.0, 800.0, 8.0);
    p1.extend(words("• premier point", 50.0, 700.0, size));
    p1.extend(words("▪ second point", 50.0, 688.0, size));
    p1.extend(words("Page 1 / 2", 500.0, 30.0, 8.0));
    let mut p2 = words("Titre du document", 50.0, 800.0, 8.0);
    p2.extend(words("suite du texte", 50.0, 700.0, size));
    p2.extend(words("Page 2 / 2", 500.0, 30.0, 8.0));
    let (t, h) = assemble(
        vec![
            layout_page(&page(p1, vec![])),
            layout_page(&page(p2, vec![])),
        ],
        None,
    );
    assert_eq!(
        t.replace("\n\n", "\n"),
        format!("- premier point\n- second point\n{PAGE_BREAK}suite du texte")
    );
    assert_eq!(h.as_deref(), Some("Titre du document"));
}

#[test]
fn kinds_of_lines() {
    assert!(is_heading_start("Axe 2 : Accompagner"));
    assert!(is_heading_start("Objectif 11 : Faire"));
    assert!(is_heading_start("Enjeu n°1"));
    assert!(is_heading_start("FICHE ACTION n°3"));
    assert!(!is_heading_start("Action sociale du département"));
    assert!(is_enumerator("1. Organiser"));
    assert!(is_enumerator("1.2.3 Mettre"));
    assert!(!is_enumerator("2018, 3 ateliers"));
    assert!(is_label_start("PILOTES : Ville"));
    assert!(is_label_start("Public visé :"));
    assert!(!is_label_start("Le public visé est : les jeunes"));
    assert!(is_page_number("Page 3 / 12"));
    assert!(is_page_number("- 4 -"));
    assert!(is_page_number("7"));
    assert!(!is_page_number("2021"));
}
