//! The PDF reader end to end: hand-made PDFs (two columns, ruled tables, running
//! headers, hyphenation, scans, passwords), damaged copies, and the shipped plans
//! as printed by a browser.

use super::extract;
use crate::ingest::format::{Extracted, Limits, Unreadable, PAGE_BREAK};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

const PRINT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/formats/print");
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");

fn limits() -> Limits {
    Limits {
        max_output_bytes: 64 << 20,
        max_decompressed_bytes: 512 << 20,
    }
}

/// A minimal PDF: one Helvetica font (WinAnsi), one content stream per page;
/// `trailer_extra` goes into the trailer dictionary (e.g. an /Encrypt entry).
fn make_pdf(pages: &[String], trailer_extra: &str, extra_objects: &[String]) -> Vec<u8> {
    let mut objs: Vec<String> = Vec::new();
    let n = pages.len();
    // 1 catalog, 2 pages, 3 font, then page/content pairs, then extras.
    objs.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objs.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        n
    ));
    objs.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into(),
    );
    for (i, content) in pages.iter().enumerate() {
        objs.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        objs.push(format!(
            "<< /Length {} >>\nstream\n{}\nendstream",
            content.len() + 1,
            content
        ));
    }
    objs.extend(extra_objects.iter().cloned());
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, o).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {} >>\nstartxref\n{}\n%%EOF\n",
            objs.len() + 1,
            trailer_extra,
            xref
        )
        .as_bytes(),
    );
    out
}

fn text_op(x: f64, y: f64, size: f64, s: &str) -> String {
    let esc = s
        .replace('\\', "\\\\")
        .replace('(', "\\(")
        .replace(')', "\\)");
    format!("BT /F1 {size} Tf {x} {y} Td ({esc}) Tj ET\n")
}

fn ok(bytes: &[u8]) -> Extracted {
    match extract(bytes, &limits()) {
        Ok(x) => x,
        Err(e) => panic!("extract failed: {e}"),
    }
}

#[test]
fn two_columns_are_read_one_after_the_other() {
    let left = [
        "Le contrat de ville fixe les",
        "orientations du territoire pour",
        "les quartiers prioritaires et",
        "mobilise les partenaires autour",
        "de trois piliers : cohesion",
        "sociale, cadre de vie et emploi.",
        "Chaque pilier se decline en",
        "objectifs operationnels suivis",
    ];
    let right = [
        "La convention territoriale",
        "globale associe la CAF et la",
        "commune pour coordonner les",
        "actions en direction des",
        "familles, de la petite enfance",
        "a la jeunesse, avec un plan",
        "d'action pluriannuel et des",
        "indicateurs de suivi partages.",
    ];
    let mut c = String::new();
    c.push_str(&text_op(50.0, 780.0, 16.0, "Titre du document"));
    for (i, (l, r)) in left.iter().zip(right.iter()).enumerate() {
        let y = 740.0 - 13.0 * i as f64;
        c.push_str(&text_op(50.0, y, 10.0, l));
        c.push_str(&text_op(320.0, y, 10.0, r));
    }
    let x = ok(&make_pdf(&[c], "", &[]));
    let t = x.text;
    let last_left = t.find("objectifs operationnels suivis").expect(&t);
    let first_right = t.find("La convention territoriale").expect(&t);
    assert!(last_left < first_right, "left column must come first:\n{t}");
    assert!(t.starts_with("Titre du document"), "{t}");
    // Lines of one column are joined into a paragraph.
    assert!(
        t.contains("Le contrat de ville fixe les orientations du territoire"),
        "{t}"
    );
    assert_eq!(x.n_pages, 1);
}

#[test]
fn ruled_table_keeps_rows() {
    let mut c = String::new();
    let rows = [
        ("Statut", "municipal"),
        ("Financements", "Ville de Cergy"),
        ("Partenaires", "CDRIML, Reseau Alpha"),
    ];
    c.push_str(&text_op(60.0, 780.0, 10.0, "Une fiche avec un tableau:"));
    for (i, (a, b)) in rows.iter().enumerate() {
        let y = 740.0 - 24.0 * i as f64;
        c.push_str(&text_op(60.0, y, 9.0, a));
        c.push_str(&text_op(200.0, y, 9.0, b));
    }
    // Borders: 4 horizontal rules, 3 vertical rules, as thin filled rectangles.
    for i in 0..4 {
        let y = 754.0 - 24.0 * i as f64;
        c.push_str(&format!("55 {y} 400 0.7 re f\n"));
    }
    for x in [55.0, 190.0, 455.0] {
        c.push_str(&format!("{x} 682 0.7 72.7 re f\n"));
    }
    let t = ok(&make_pdf(&[c], "", &[])).text;
    assert!(
        t.contains(
            "Statut\tmunicipal\nFinancements\tVille de Cergy\nPartenaires\tCDRIML, Reseau Alpha"
        ),
        "{t}"
    );
}

/// The text of a plan printed by other software (`tests/fixtures/producers`).
fn producer_text(file: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/producers/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    ok(&std::fs::read(path).unwrap()).text
}

/// Asserts that each of `lines` is a whole line of `text`.
fn assert_whole_lines(text: &str, lines: &[&str]) {
    for line in lines {
        assert!(
            text.lines().any(|l| l == *line),
            "{line:?} not a line of:\n{text}"
        );
    }
}

#[test]
fn a_word_processors_borderless_table_keeps_its_rows() {
    let text = producer_text("libreoffice_borderless.pdf");
    assert_whole_lines(
        &text,
        &[
            "Statut\tmunicipal",
            "Date de création\tseptembre 2016",
            "Structure porteuse\tDirection des Solidarités et de la Petite Enfance, \
             Mission Égalité, Ville de Cergy",
            "Partenaires\tCDRIML, Réseau Alpha, association Action formation insertion (Afi)",
            "Moyens humains\t1/4 temps, poste chargé de mission",
        ],
    );
}

#[test]
fn a_word_processors_ragged_columns_are_read_one_after_the_other() {
    let text = producer_text("libreoffice_two_columns.pdf");
    assert_whole_lines(
        &text,
        &[
            "AESH : Accompagnant d'élèves en situation de handicap",
            "ALAE : Accueil de loisirs associé à l'école - périscolaire",
            "SIAM : Service pour l'inclusion en accueil collectif de mineurs",
        ],
    );
    // The left column ends with its glossary; the right one starts with its heading.
    let left_end = text.find("CMJ : Conseil municipal des jeunes").unwrap();
    let right_start = text.find("ENJEUX").unwrap();
    assert!(left_end < right_start, "{text}");
}

#[test]
fn page_numbers_and_running_headers_are_removed() {
    let mut pages = Vec::new();
    for p in 1..=3 {
        let mut c = String::new();
        c.push_str(&text_op(
            200.0,
            815.0,
            8.0,
            "Convention territoriale globale",
        ));
        c.push_str(&text_op(
            50.0,
            740.0,
            10.0,
            &format!("Contenu de la page {p} avec du texte suivi."),
        ));
        for i in 0..30 {
            c.push_str(&text_op(
                50.0,
                726.0 - 14.0 * i as f64,
                10.0,
                &format!("Ligne {i} du corps de la page {p}, un texte ordinaire."),
            ));
        }
        c.push_str(&text_op(500.0, 25.0, 8.0, &format!("Page {p} / 3")));
        pages.push(c);
    }
    let x = ok(&make_pdf(&pages, "", &[]));
    assert_eq!(x.n_pages, 3);
    assert_eq!(x.text.matches(PAGE_BREAK).count(), 2);
    assert!(!x.text.contains("Page 1"), "{}", x.text);
    assert!(!x.text.contains("Convention territoriale"), "{}", x.text);
    assert!(x.text.contains("Contenu de la page 2"));
    // No /Title in Info: the running header is offered as the title.
    assert_eq!(x.title.as_deref(), Some("Convention territoriale globale"));
}

#[test]
fn hyphenation_and_bullets() {
    let mut c = String::new();
    // Each line fills the 50..~330 measure, as a justified paragraph would.
    let lines = [
        "Le projet de territoire prevoit un accompa-",
        "gnement des familles de la Haute-",
        "Garonne, un lieu d'accueil enfants-",
        "parents et un soutien aux enfants et aux",
        "parents du territoire.",
    ];
    for (i, l) in lines.iter().enumerate() {
        let y = 740.0 - 12.0 * i as f64;
        let n = l.chars().count() as f64;
        // Tz-free justification: character spacing so every line but the last ends at x=330.
        let tc = if i + 1 < lines.len() {
            (280.0 - n * 5.0).max(0.0) / n
        } else {
            0.0
        };
        c.push_str(&format!("BT /F1 10 Tf {tc:.3} Tc 50 {y} Td ({l}) Tj ET\n"));
    }
    c.push_str(&text_op(50.0, 650.0, 10.0, "Objectifs :"));
    c.push_str(&text_op(
        50.0,
        636.0,
        10.0,
        "\u{95} Renforcer la parentalite",
    ));
    c.push_str(&text_op(
        50.0,
        622.0,
        10.0,
        "\u{95} Soutenir les associations",
    ));
    let t = ok(&make_pdf(&[c.replace('\u{95}', "\\225")], "", &[])).text;
    assert!(t.contains("accompagnement des familles"), "{t}");
    assert!(t.contains("Haute-Garonne"), "{t}");
    assert!(t.contains("enfants-parents"), "{t}");
    assert!(
        t.contains("\n- Renforcer la parentalite\n- Soutenir les associations"),
        "{t}"
    );
}

#[test]
fn scan_without_text_is_no_text_layer() {
    let c = "q 500 0 0 700 40 60 cm 0.5 g 0 0 1 1 re f Q\n".to_string();
    match extract(&make_pdf(&[c.clone(), c], "", &[]), &limits()) {
        Err(Unreadable::NoTextLayer) => {}
        other => panic!("expected NoTextLayer, got {:?}", other.map(|x| x.text)),
    }
}

#[test]
fn password_protected_is_encrypted() {
    // Standard security handler whose /U does not match the empty password.
    let enc = "<< /Filter /Standard /V 2 /R 3 /Length 128 /P -1028 \
               /O <0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef> \
               /U <fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210> >>";
    let c = text_op(50.0, 740.0, 10.0, "secret");
    // The encryption dictionary is object 6 (after catalog, pages, font, page, content).
    let pdf = make_pdf(&[c], "/Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]", &[enc.to_string()]);
    match extract(&pdf, &limits()) {
        Err(Unreadable::Encrypted) => {}
        other => panic!("expected Encrypted, got {:?}", other.map(|x| x.text)),
    }
}

#[test]
fn not_a_pdf_and_over_budget() {
    assert!(matches!(
        extract(b"PK\x03\x04 not a pdf", &limits()),
        Err(Unreadable::Damaged(_))
    ));
    assert!(matches!(
        extract(b"", &limits()),
        Err(Unreadable::Damaged(_))
    ));
    let c = text_op(50.0, 740.0, 10.0, &"mot ".repeat(60));
    let tiny = Limits {
        max_output_bytes: 100,
        max_decompressed_bytes: 1 << 20,
    };
    assert!(matches!(
        extract(&make_pdf(&[c], "", &[]), &tiny),
        Err(Unreadable::TooLarge(_))
    ));
}

/// Damaged copies: many cut points, byte flips and zeroed spans. `extract`
/// must always return (an error is fine), never let a panic out.
fn damage_loop(bytes: &[u8], cuts: usize, flips: usize) {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D ^ bytes.len() as u64;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut variants: Vec<Vec<u8>> = Vec::new();
    for i in 0..cuts {
        variants.push(bytes[..bytes.len() * i / cuts].to_vec());
    }
    for i in 0..flips {
        let mut b = bytes.to_vec();
        for _ in 0..1 + i % 6 {
            let p = (rnd() as usize) % b.len();
            b[p] ^= (rnd() as u8) | 1;
        }
        if i % 5 == 4 {
            let p = (rnd() as usize) % b.len();
            for x in b.iter_mut().skip(p).take(64) {
                *x = 0;
            }
        }
        variants.push(b);
    }
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut escaped = 0;
    for v in &variants {
        if catch_unwind(AssertUnwindSafe(|| extract(v, &limits()))).is_err() {
            escaped += 1;
        }
    }
    std::panic::set_hook(prev);
    assert_eq!(escaped, 0, "{escaped} panics escaped extract");
}

#[test]
fn damaged_copies_never_panic() {
    let mut c = String::new();
    for i in 0..20 {
        c.push_str(&text_op(
            50.0,
            780.0 - 14.0 * i as f64,
            10.0,
            &format!("Ligne {i} d'un texte de test assez long pour remplir."),
        ));
    }
    damage_loop(&make_pdf(&[c.clone(), c], "", &[]), 200, 200);
    let real = format!("{PRINT}/002_3bfbff5f5364b1b9.pdf");
    if let Ok(b) = std::fs::read(&real) {
        damage_loop(&b, 100, 150);
    } else {
        eprintln!("skipped: {real} not found");
    }
}

fn words(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

#[test]
fn corpus_pdfs_match_their_text() {
    let Ok(dir) = std::fs::read_dir(PRINT) else {
        eprintln!("skipped: {PRINT} not found");
        return;
    };
    let mut files: Vec<_> = dir
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for f in files {
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&f).unwrap();
        let x = ok(&bytes);
        // Pages: count /Type /Page objects (these files keep them uncompressed).
        let raw = String::from_utf8_lossy(&bytes);
        let pages = raw.matches("/Type /Page\n").count()
            + raw.matches("/Type /Page/").count()
            + raw.matches("/Type /Page ").count();
        assert_eq!(x.n_pages, pages, "{stem}: page count");
        assert_eq!(
            x.text.matches(PAGE_BREAK).count(),
            x.n_pages - 1,
            "{stem}: PAGE_BREAK count"
        );
        let page_n = (1..=x.n_pages).any(|p| x.text.contains(&format!("Page {p} / {}", x.n_pages)));
        assert!(!page_n, "{stem}: a « Page N / M » is left");
        let gold = std::fs::read_to_string(format!("{CORPUS}/{stem}.txt")).unwrap();
        // Markup of the text files is not text: tags, ** and ^{…}.
        let mut g = String::new();
        let mut in_tag = false;
        for c in gold.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => {
                    in_tag = false;
                    g.push(' ');
                }
                _ if in_tag => {}
                _ => g.push(c),
            }
        }
        let gw = words(&g.replace("**", " "));
        let ow = words(&x.text);
        let found = gw.iter().filter(|w| ow.contains(*w)).count();
        let ratio = found as f64 / gw.len() as f64;
        eprintln!(
            "{stem}: {} pages, {:.3} of {} distinct words",
            x.n_pages,
            ratio,
            gw.len()
        );
        assert!(ratio >= 0.97, "{stem}: only {ratio:.3} of the words");
    }
}
