//! Real documents: PDF, Word and OpenDocument plans beside text ones, in a folder
//! that also holds what real folders hold (copies, links, junk, damaged files).
//! Everything through the public surfaces: `pipeline`, `Engine`, HTTP.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::http::{header, Method, StatusCode};
use maillage::query::{Engine, SearchRequest};
use maillage::server::{app, AppState};

use crate::http::send_to;

fn formats_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

fn fixture(format_dir: &str, stem: &str, extension: &str) -> Vec<u8> {
    let path = formats_dir()
        .join(format_dir)
        .join(format!("{stem}.{extension}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A one-page PDF with no text at all, as a scanner makes them (the page is an
/// image there; here it is empty), with a correct cross-reference table.
pub fn scanned_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        "<< /Length 0 >>\nstream\n\nendstream",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A DOCX whose one part inflates to far more than any limit.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("word/document.xml", options).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..600 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

struct Mixed {
    _dir: tempfile::TempDir,
    corpus: PathBuf,
    index: PathBuf,
    report: maillage::pipeline::BuildReport,
}

/// The mixed folder, indexed once.
fn mixed() -> &'static Mixed {
    static MIXED: OnceLock<Mixed> = OnceLock::new();
    MIXED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        let write = |relative: &str, bytes: &[u8]| {
            let path = corpus.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        };
        // Five plans, each in another format.
        write("ctg/cornebarrieu.pdf", &fixture("print", "001_f1af12ce620947bd", "pdf"));
        write("cdv/contrat.docx", &fixture("docx", "003_864e71f6e14458d9", "docx"));
        write("fiche.odt", &fixture("odt", "004_5393f7e667cdb102", "odt"));
        // Same stem, different plans: both kept, each id with its extension.
        write(
            "plan.txt",
            "Projet éducatif de territoire de Saint-Orens-de-Gameville\n\nAxe 1 : Accompagner la parentalité\n\nAction 1 : Créer un café des parents\nPILOTES : Ville\nPARTENAIRES : CAF de la Haute-Garonne, centre social\n".as_bytes(),
        );
        write("plan.docx", &fixture("docx", "002_3bfbff5f5364b1b9", "docx"));
        // One plan saved twice: as PDF and as its DOCX source; and an exact copy.
        write("double.pdf", &fixture("print", "000_399e86bc45b017b4", "pdf"));
        write("double.docx", &fixture("docx", "000_399e86bc45b017b4", "docx"));
        write("archives/copie.odt", &fixture("odt", "004_5393f7e667cdb102", "odt"));
        // Junk and damage.
        write("scan.pdf", &scanned_pdf());
        let pdf = fixture("print", "002_3bfbff5f5364b1b9", "pdf");
        write("tronque.pdf", &pdf[..pdf.len() / 3]);
        write("bombe.docx", &zip_bomb());
        write("pas-un-zip.odt", b"ceci n'est pas une archive");
        write("tableur.xlsx", b"PK\x03\x04");
        write("diaporama.key", b"PK\x03\x04");
        std::fs::create_dir_all(corpus.join("dossier.pdf")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", corpus.join("passwd.txt")).unwrap();
        std::os::unix::fs::symlink("/etc", corpus.join("systeme")).unwrap();
        let fifo = std::ffi::CString::new(corpus.join("tube.txt").to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let index = dir.path().join("index");
        let report = maillage::pipeline::build(&corpus, &index, &|_| {}).expect("the folder indexes");
        Mixed {
            _dir: dir,
            corpus,
            index,
            report,
        }
    })
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::open(&mixed().index).expect("index opens"))
}

fn skipped_code(file: &str) -> String {
    let report = &mixed().report;
    report
        .skipped
        .iter()
        .find(|s| s.file == file)
        .unwrap_or_else(|| panic!("{file} is not listed as skipped: {:#?}", report.skipped))
        .code
        .clone()
}

#[test]
fn every_format_is_read_and_ids_stay_stems() {
    let docs = engine().documents();
    let ids: Vec<&str> = docs.iter().map(|d| d.doc_id.as_str()).collect();
    for id in [
        "ctg/cornebarrieu",
        "cdv/contrat",
        "fiche",
        "plan.txt",
        "plan.docx",
        "double",
    ] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert_eq!(docs.len(), 6, "{ids:?}");
    let by_id = |id: &str| docs.iter().find(|d| d.doc_id == id).unwrap();
    assert_eq!(by_id("ctg/cornebarrieu").format.as_str(), "pdf");
    assert!(by_id("ctg/cornebarrieu").pages.unwrap_or(0) >= 10);
    assert_eq!(by_id("cdv/contrat").format.as_str(), "docx");
    assert_eq!(by_id("fiche").format.as_str(), "odt");
    assert_eq!(by_id("fiche").pages, None);
    // The copy kept of a plan saved twice is the one whose format keeps structure best.
    assert_eq!(by_id("double").file, "double.docx");
    // Structure is recovered from each format: the PDF's actions and fields.
    let detail = engine().document("ctg/cornebarrieu").unwrap();
    assert!(
        detail
            .outline
            .iter()
            .any(|s| s.heading.starts_with("Action 1")),
        "no Action 1"
    );
    assert!(detail
        .passages
        .iter()
        .any(|p| p.field.as_deref() == Some("PARTENAIRES")));
}

#[test]
fn files_not_read_are_listed_with_a_reason() {
    assert_eq!(skipped_code("double.pdf"), "duplicate");
    assert_eq!(skipped_code("archives/copie.odt"), "duplicate");
    assert_eq!(skipped_code("scan.pdf"), "no_text_layer");
    assert_eq!(skipped_code("tronque.pdf"), "damaged");
    assert_eq!(skipped_code("bombe.docx"), "too_large");
    assert_eq!(skipped_code("pas-un-zip.odt"), "damaged");
    assert_eq!(skipped_code("tableur.xlsx"), "damaged");
    assert_eq!(skipped_code("diaporama.key"), "unsupported_format");
    assert_eq!(skipped_code("dossier.pdf"), "not_a_regular_file");
    assert_eq!(skipped_code("passwd.txt"), "outside_corpus");
    assert_eq!(skipped_code("systeme"), "outside_corpus");
    assert_eq!(skipped_code("tube.txt"), "not_a_regular_file");
    let scan = mixed()
        .report
        .skipped
        .iter()
        .find(|s| s.file == "scan.pdf")
        .unwrap();
    assert!(
        scan.reason.contains("PDF numérisé sans texte"),
        "{}",
        scan.reason
    );
    // Nothing from outside the corpus was read.
    let hits = engine()
        .search(&SearchRequest {
            q: "root".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(
        hits.hits.iter().all(|h| !h.text.contains("/bin/")),
        "{:?}",
        hits.hits
    );
}

/// A council presentation and a coordination fiche kept as a workbook, with the same
/// workbook saved again as OpenDocument.
#[test]
fn slides_and_workbooks_are_indexed_searched_and_served() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let deck = fixture("pptx", "004_5393f7e667cdb102", "pptx");
    std::fs::write(corpus.join("conseil-municipal.pptx"), &deck).unwrap();
    let workbook = fixture("xlsx", "000_399e86bc45b017b4", "xlsx");
    std::fs::write(corpus.join("coordination.xlsx"), &workbook).unwrap();
    std::fs::write(
        corpus.join("coordination-copie.ods"),
        fixture("ods", "000_399e86bc45b017b4", "ods"),
    )
    .unwrap();
    let index = dir.path().join("index");
    let report = maillage::pipeline::build(&corpus, &index, &|_| {}).expect("the folder indexes");
    // The workbook saved twice gives the same text: one copy is kept, the XLSX.
    let copy = report
        .skipped
        .iter()
        .find(|s| s.file == "coordination-copie.ods")
        .expect("the copy is skipped");
    assert_eq!(copy.code, "duplicate");
    assert!(copy.reason.contains("coordination.xlsx"), "{}", copy.reason);

    let engine = Engine::open(&index).unwrap();
    let docs = engine.documents();
    let format_of = |id: &str| {
        docs.iter()
            .find(|d| d.doc_id == id)
            .map(|d| d.format.as_str())
    };
    assert_eq!(format_of("conseil-municipal"), Some("pptx"));
    assert_eq!(format_of("coordination"), Some("xlsx"));
    assert_eq!(docs.len(), 2);

    let search = |q: &str| {
        engine
            .search(&SearchRequest {
                q: q.into(),
                ..Default::default()
            })
            .unwrap()
    };
    // A bullet of a slide, which says its slide: a deck's pages are its slides.
    let hits = search("séminaire interne");
    let first = hits.hits.first().expect("a hit");
    assert_eq!(first.doc_id, "conseil-municipal");
    assert_eq!(first.format.as_str(), "pptx");
    let slides = docs
        .iter()
        .find(|d| d.doc_id == "conseil-municipal")
        .and_then(|d| d.pages);
    assert_eq!(slides, Some(31));
    assert!(
        first.page.is_some_and(|slide| (2..=31).contains(&slide)),
        "{:?}",
        first.page
    );
    // The workbook has no pages.
    assert!(search("CDRIML").hits.iter().all(|h| h.page.is_none()));
    // A fiche's row: the label is the field of the value beside it.
    let hits = search("Réseau Alpha");
    let partners = hits
        .hits
        .iter()
        .find(|h| h.doc_id == "coordination" && h.text.contains("CDRIML"))
        .expect("the partners' row is found");
    assert_eq!(
        partners.field.as_deref(),
        Some("PARTENAIRES"),
        "{partners:?}"
    );

    let router = app(AppState::new(engine));
    let original = send_to(
        router,
        Method::GET,
        "/api/documents/conseil-municipal/file",
        &[],
    );
    assert_eq!(original.status, StatusCode::OK);
    assert!(original.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("presentationml"));
    assert_eq!(original.body, deck);
}

/// A workbook of one sheet as Excel writes it: inline strings in cells `A1`, `B1`…
fn workbook(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
    use std::io::Write;
    let column = |i: usize| char::from(b'A' + i as u8);
    let mut data = String::new();
    for (r, cells) in rows.iter().enumerate() {
        data.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in cells.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            data.push_str(&format!(
                r#"<c r="{}{}" t="inlineStr"><is><t>{cell}</t></is></c>"#,
                column(c),
                r + 1
            ));
        }
        data.push_str("</row>");
    }
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let rels = "http://schemas.openxmlformats.org/package/2006/relationships";
    let parts = [
        (
            "_rels/.rels".to_string(),
            format!(
                r#"<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml".to_string(),
            format!(
                r#"<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            format!(
                r#"<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/worksheets/sheet1.xml".to_string(),
            format!(r#"<worksheet xmlns="{main}"><sheetData>{data}</sheetData></worksheet>"#),
        ),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, content) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// An action plan kept as a workbook, or published as CSV, gives action sheets: who
/// pilots, who partners.
#[test]
fn action_plans_as_workbooks_and_csv_give_action_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let rows: &[&[&str]] = &[
        &["Convention territoriale globale 2023-2027 de Blagnac"],
        &[],
        &[
            "Axe",
            "Objectif",
            "Action",
            "Pilote",
            "Partenaires",
            "Échéance",
        ],
        &[
            "Axe 1 : Petite enfance",
            "Développer l'offre d'accueil",
            "Ouvrir un LAEP itinérant",
            "CCAS",
            "CAF de la Haute-Garonne, centre social",
            "2025",
        ],
        &[
            "Axe 2 : Jeunesse",
            "Favoriser l'insertion des jeunes",
            "Renforcer les permanences de la Mission Locale",
            "Ville",
            "Mission Locale Haute-Garonne",
            "2023",
        ],
    ];
    std::fs::write(
        corpus.join("plan-actions.xlsx"),
        workbook("Plan d'actions", rows),
    )
    .unwrap();
    // Another town's plan as an open-data portal gives it: CSV from a French
    // spreadsheet (semicolons, Windows-1252, a field quoted over two lines).
    let csv = "Projet éducatif de territoire de Cergy 2022-2025;;;\r\n;;;\r\n\
               Objectif;Action;Porteur;Partenaires\r\n\
               Favoriser la réussite éducative;Ouvrir un CLAS au collège;Ville;\"CAF du Val-d'Oise,\r\ncentre social\"\r\n";
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(csv);
    std::fs::write(corpus.join("pedt-cergy.csv"), &latin1).unwrap();
    let index = dir.path().join("index");
    maillage::pipeline::build(&corpus, &index, &|_| {}).expect("the folder indexes");
    let engine = Engine::open(&index).unwrap();
    let docs = engine.documents();
    let title_of = |id: &str| {
        docs.iter()
            .find(|d| d.doc_id == id)
            .map(|d| d.title.as_str())
    };
    assert_eq!(
        title_of("plan-actions"),
        Some("Convention territoriale globale 2023-2027 de Blagnac")
    );
    assert_eq!(
        title_of("pedt-cergy"),
        Some("Projet éducatif de territoire de Cergy 2022-2025")
    );
    let csv_actions = engine
        .actions(&maillage::query::ActionsRequest {
            q: Some("CLAS".into()),
            ..Default::default()
        })
        .unwrap();
    let clas = csv_actions.actions.first().expect("the CSV's action");
    assert_eq!(clas.title, "Ouvrir un CLAS au collège");
    assert_eq!(clas.format.as_str(), "csv");
    assert!(
        clas.pilots.iter().any(|p| p == "Commune"),
        "{:?}",
        clas.pilots
    );
    assert!(
        clas.partners.iter().any(|p| p.contains("Val-d'Oise")),
        "{:?}",
        clas.partners
    );
    let actions = engine
        .actions(&maillage::query::ActionsRequest {
            territory: Some("Blagnac".into()),
            ..Default::default()
        })
        .unwrap();
    let titles: Vec<&str> = actions.actions.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Ouvrir un LAEP itinérant",
            "Renforcer les permanences de la Mission Locale"
        ]
    );
    let laep = &actions.actions[0];
    assert_eq!(
        laep.path,
        ["Axe 1 : Petite enfance", "Développer l'offre d'accueil"]
    );
    assert_eq!(laep.format.as_str(), "xlsx");
    assert!(
        laep.partners.iter().any(|p| p.contains("CAF")),
        "{:?}",
        laep.partners
    );
    let partners_of_the_mission_locale = engine
        .actions(&maillage::query::ActionsRequest {
            entity: Some("Mission Locale Haute-Garonne".into()),
            role: Some("partner".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(partners_of_the_mission_locale.total, 1);
}

#[test]
fn hits_evidence_and_sources_of_a_pdf_carry_their_page() {
    let response = engine()
        .search(&SearchRequest {
            q: "CLAS".into(),
            limit: Some(50),
            ..Default::default()
        })
        .unwrap();
    let pdf_hits: Vec<_> = response
        .hits
        .iter()
        .filter(|h| h.doc_id == "ctg/cornebarrieu")
        .collect();
    assert!(!pdf_hits.is_empty());
    let n_pages = engine()
        .documents()
        .into_iter()
        .find(|d| d.doc_id == "ctg/cornebarrieu")
        .and_then(|d| d.pages)
        .unwrap() as u32;
    for hit in &pdf_hits {
        let page = hit.page.expect("a PDF hit has its page");
        assert!((1..=n_pages).contains(&page), "page {page} of {n_pages}");
    }
    // Pages grow with the position in the text.
    let detail = engine().document("ctg/cornebarrieu").unwrap();
    let pages: Vec<u32> = detail.passages.iter().map(|p| p.page.unwrap()).collect();
    assert!(pages.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(pages.first(), Some(&1));
    assert!(*pages.last().unwrap() >= n_pages - 1);
    // Unpaged formats say nothing of pages.
    assert!(response
        .hits
        .iter()
        .filter(|h| h.doc_id != "ctg/cornebarrieu")
        .all(|h| h.page.is_none()));
    let json = serde_json::to_value(&response).unwrap();
    let first_pdf = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["doc_id"] == "ctg/cornebarrieu")
        .unwrap();
    assert!(first_pdf["page"].as_u64().is_some());
}

#[test]
fn the_original_is_served_by_id_and_only_by_id() {
    let router = app(AppState::new(Engine::open(&mixed().index).unwrap()));
    let get = |uri: &str| send_to(router.clone(), Method::GET, uri, &[]);
    let pdf = get("/api/documents/ctg/cornebarrieu/file");
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = pdf.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("inline;") && disposition.contains("cornebarrieu.pdf"));
    assert_eq!(
        pdf.body,
        std::fs::read(mixed().corpus.join("ctg/cornebarrieu.pdf")).unwrap()
    );
    let docx = get("/api/documents/cdv/contrat/file");
    assert_eq!(docx.status, StatusCode::OK);
    assert!(docx.headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("wordprocessingml"));
    // The document itself is still JSON at its id.
    let detail = get("/api/documents/ctg/cornebarrieu");
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.json()["format"], "pdf");
    // Files that are not documents of the index are never served.
    for uri in [
        "/api/documents/passwd/file",
        "/api/documents/double.pdf/file",
        "/api/documents/scan/file",
        "/api/documents/..%2F..%2Fetc%2Fpasswd/file",
        "/api/documents/ctg/..%2F..%2F..%2Fetc%2Fpasswd/file",
    ] {
        let answer = get(uri);
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(
            !String::from_utf8_lossy(&answer.body).contains("root:"),
            "{uri}"
        );
    }
}

#[test]
fn status_lists_formats_and_skipped_files() {
    let router = app(AppState::new(Engine::open(&mixed().index).unwrap()));
    let status = send_to(router, Method::GET, "/api/status", &[]);
    assert_eq!(status.status, StatusCode::OK);
    let v = status.json();
    assert_eq!(v["documents"], 6);
    let count = |format: &str| {
        v["formats"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["format"] == format)
            .map(|f| f["documents"].as_u64().unwrap())
    };
    assert_eq!(count("pdf"), Some(1));
    assert_eq!(count("docx"), Some(3));
    assert_eq!(count("odt"), Some(1));
    assert_eq!(count("text"), Some(1));
    let skipped = v["skipped"].as_array().unwrap();
    let scan = skipped.iter().find(|s| s["file"] == "scan.pdf").unwrap();
    assert_eq!(scan["code"], "no_text_layer");
    assert!(scan["reason"].as_str().unwrap().contains("numérisé"));
    // Paths are relative to the corpus: nothing of the server's disk.
    let text = String::from_utf8_lossy(&status.body);
    assert!(!text.contains(mixed().corpus.to_str().unwrap()));
}

#[test]
fn the_cli_reports_formats_and_skips_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("fiche.odt"),
        fixture("odt", "004_5393f7e667cdb102", "odt"),
    )
    .unwrap();
    std::fs::write(corpus.join("scan.pdf"), scanned_pdf()).unwrap();
    let index = dir.path().join("index");
    let output = crate::fixture::run(&[
        "index",
        "--corpus",
        corpus.to_str().unwrap(),
        "--index",
        index.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        crate::fixture::stderr(&output)
    );
    let out = crate::fixture::stdout(&output);
    assert!(out.contains("1 document indexé"), "{out}");
    assert!(
        out.contains("écarté  scan.pdf : PDF numérisé sans texte"),
        "{out}"
    );
}

#[test]
fn evidence_and_definitions_from_a_pdf_carry_their_page() {
    // Where the CAF is a partner, in the PDF plan: each excerpt says its page.
    let list = engine()
        .territories(&maillage::query::TerritoriesRequest {
            entity: "CAF".into(),
            ..Default::default()
        })
        .unwrap();
    let evidence: Vec<_> = list
        .territories
        .iter()
        .flat_map(|t| &t.evidence)
        .filter(|e| e.document.doc_id == "ctg/cornebarrieu")
        .collect();
    assert!(!evidence.is_empty(), "{list:?}");
    assert!(evidence.iter().all(|e| e.page.is_some_and(|p| p >= 1)));
    assert!(evidence.iter().all(|e| e.passage.is_some()));
    let from_docx: Vec<_> = list
        .territories
        .iter()
        .flat_map(|t| &t.evidence)
        .filter(|e| e.document.doc_id == "cdv/contrat")
        .collect();
    assert!(from_docx.iter().all(|e| e.page.is_none()));
    // A sigle defined in the PDF: its source has the page of the definition.
    let clas = engine().acronym("CLAS").unwrap();
    let source = clas
        .definitions
        .iter()
        .flat_map(|d| &d.sources)
        .find(|s| s.document.doc_id == "ctg/cornebarrieu")
        .expect("CLAS defined in the PDF");
    let page = source.page.expect("a page");
    let detail = engine().document("ctg/cornebarrieu").unwrap();
    let passage = detail
        .passages
        .iter()
        .rfind(|p| p.start <= source.start)
        .unwrap();
    assert_eq!(Some(page), passage.page);
}
