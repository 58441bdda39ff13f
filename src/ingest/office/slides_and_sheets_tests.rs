//! Tests of the slide and spreadsheet readers: the shipped plans as decks and workbooks
//! (made by python-pptx and openpyxl, and as LibreOffice saves them), synthetic packages
//! for what those do not show, damaged and hostile files.

use super::tests::{
    bomb, corpus_text, formats_dir, limits, ole_with, run_bounded, strip_markup, zip_of, Reader,
    Rng,
};
use super::types::{Unreadable, PAGE_BREAK};
use super::{odf, pptx, xlsx};

const DECK: &str = "004_5393f7e667cdb102";
const WORKBOOK: &str = "000_399e86bc45b017b4";

fn read(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(format: &str, stem: &str) -> Vec<u8> {
    read(&formats_dir().join(format).join(format!("{stem}.{format}")))
}

fn producer(name: &str) -> Vec<u8> {
    read(&formats_dir().join("../producers").join(name))
}

/// Words of at least two letters, lower-cased, in order (markup such as `<ul style=…>`
/// left out of the corpus text).
fn words_in_order(text: &str) -> Vec<String> {
    strip_markup(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1)
        .map(str::to_lowercase)
        .collect()
}

/// The share of `want`'s words that `got` gives in the same order (longest common
/// subsequence).
fn in_order(want: &[String], got: &[String]) -> f64 {
    let mut row = vec![0u32; got.len() + 1];
    for w in want {
        let mut diagonal = 0;
        for (j, g) in got.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if w == g { diagonal + 1 } else { up.max(row[j]) };
            diagonal = up;
        }
    }
    f64::from(row[got.len()]) / want.len().max(1) as f64
}

#[test]
fn shipped_plans_as_slides_and_workbooks_keep_their_words_in_order() {
    let cases: [(&str, Reader, Vec<u8>, &str); 6] = [
        ("pptx", pptx::extract, fixture("pptx", DECK), DECK),
        ("odp", odf::extract, fixture("odp", DECK), DECK),
        (
            "pptx (LibreOffice)",
            pptx::extract,
            producer("libreoffice_slides.pptx"),
            DECK,
        ),
        ("xlsx", xlsx::extract, fixture("xlsx", WORKBOOK), WORKBOOK),
        ("ods", odf::extract, fixture("ods", WORKBOOK), WORKBOOK),
        (
            "xlsx (LibreOffice)",
            xlsx::extract,
            producer("libreoffice_workbook.xlsx"),
            WORKBOOK,
        ),
    ];
    for (what, extract, bytes, stem) in cases {
        let out = extract(&bytes, &limits()).unwrap_or_else(|e| panic!("{what}: {e}"));
        let share = in_order(
            &words_in_order(&corpus_text(stem)),
            &words_in_order(&out.text),
        );
        assert!(
            share >= 0.99,
            "{what}: {:.1} % of words in order",
            share * 100.0
        );
        assert!(
            !out.text
                .lines()
                .any(|l| l != l.trim_matches(' ') || l.ends_with('\t')),
            "{what}: untrimmed line or trailing empty cell"
        );
        if stem == DECK {
            // A slide a page: the deck has 31 slides, each after the first begins one.
            assert_eq!(out.n_pages, 31, "{what}");
            assert_eq!(out.text.matches(PAGE_BREAK).count(), 30, "{what}");
            assert!(
                out.text.contains("- Entretiens\n- Réunions de travail\n"),
                "{what}"
            );
        } else {
            assert_eq!(out.n_pages, 0, "{what}");
            // The only sheet's name (« Plan ») is not written: the fiche's first line
            // is the workbook's first line, its title.
            assert!(
                out.text
                    .starts_with("Coordination territoriale linguistique de Cergy\n"),
                "{what}"
            );
            // A fiche's rows: a label and its value in two cells.
            assert!(
                out.text.contains(
                    "\nPartenaires\tCDRIML, Réseau Alpha, association Action formation insertion (Afi)\n"
                ),
                "{what}"
            );
        }
    }
}

// ---- PowerPoint --------------------------------------------------------------------------

const P_NS: &str = r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;
const RELS: &str = r#"xmlns="http://schemas.openxmlformats.org/package/2006/relationships""#;
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn rel(id: &str, kind: &str, target: &str) -> String {
    format!(r#"<Relationship Id="{id}" Type="{REL}/{kind}" Target="{target}"/>"#)
}

fn shape(placeholder: &str, paragraphs: &str) -> String {
    format!(
        r#"<p:sp><p:nvSpPr><p:cNvPr id="2" name="Forme"/><p:cNvSpPr/><p:nvPr>{placeholder}</p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle><a:lvl1pPr><a:buChar char="•"/></a:lvl1pPr></a:lstStyle>{paragraphs}</p:txBody></p:sp>"#
    )
}

fn para(props: &str, text: &str) -> String {
    format!(r#"<a:p>{props}<a:r><a:rPr lang="fr-FR"/><a:t>{text}</a:t></a:r></a:p>"#)
}

fn slide(attributes: &str, shapes: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><p:sld {P_NS}{attributes}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>{shapes}</p:spTree></p:cSld></p:sld>"#
    )
}

/// A deck of three slides listed out of their files' order (slide2, slide1, then
/// slide3 hidden), the first with notes.
fn synthetic_pptx() -> Vec<u8> {
    let root = format!(
        r#"<Relationships {RELS}>{}{}</Relationships>"#,
        rel("rId1", "officeDocument", "ppt/presentation.xml"),
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#
    );
    let presentation = format!(
        r#"<p:presentation {P_NS}><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/><p:sldId id="258" r:id="rId4"/></p:sldIdLst></p:presentation>"#
    );
    let presentation_rels = format!(
        r#"<Relationships {RELS}>{}{}{}{}</Relationships>"#,
        rel("rId1", "slideMaster", "slideMasters/slideMaster1.xml"),
        rel("rId2", "slide", "slides/slide1.xml"),
        rel("rId3", "slide", "slides/slide2.xml"),
        rel("rId4", "slide", "slides/slide3.xml"),
    );
    let body = [
        para(
            r#"<a:pPr marL="0" indent="0"><a:buNone/></a:pPr>"#,
            "Axe 1 : Parentalité",
        ),
        para("", "Développer les LAEP"),
        para(r#"<a:pPr lvl="1"/>"#, "Créer un café des parents"),
        r#"<a:p><a:r><a:t>ligne un</a:t></a:r><a:br/><a:r><a:t>ligne deux</a:t></a:r></a:p>"#
            .to_string(),
        "<a:p><a:endParaRPr/></a:p>".to_string(),
    ]
    .concat();
    let numbered = r#"<a:pPr marL="342900" indent="-342900"><a:buFont typeface="+mj-lt"/><a:buAutoNum type="arabicPeriod"/></a:pPr>"#;
    let text_box = [
        para("", "Calendrier 2023"),
        para(numbered, "Diagnostic"),
        para(numbered, "Concertation"),
        para(
            r#"<a:pPr><a:buAutoNum type="alphaLcParenR" startAt="3"/></a:pPr>"#,
            "Signature",
        ),
    ]
    .concat();
    let table = r#"<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="9" name="Tableau"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/table"><a:tbl><a:tblGrid><a:gridCol w="1"/><a:gridCol w="1"/></a:tblGrid><a:tr h="1"><a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>Action</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>Pilote</a:t></a:r></a:p></a:txBody></a:tc></a:tr><a:tr h="1"><a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>CLAS</a:t></a:r></a:p><a:p><a:r><a:t>et LAEP</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>Ville</a:t></a:r></a:p></a:txBody></a:tc></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame>"#;
    let alternate = format!(
        r#"<mc:AlternateContent><mc:Choice Requires="p14">{}</mc:Choice><mc:Fallback>{}</mc:Fallback></mc:AlternateContent>"#,
        shape("", &para("", "Choix")),
        shape("", &para("", "Repli")),
    );
    let first = slide(
        "",
        &[
            shape(
                r#"<p:ph type="title"/>"#,
                &para("", "Convention Territoriale Globale"),
            ),
            shape(r#"<p:ph idx="1"/>"#, &body),
            shape("", &text_box),
            table.to_string(),
            alternate,
            shape(
                r#"<p:ph type="ftr" sz="quarter" idx="11"/>"#,
                &para("", "Mairie de Cergy"),
            ),
            shape(
                r#"<p:ph type="sldNum" sz="quarter" idx="12"/>"#,
                r#"<a:p><a:fld id="{1}" type="slidenum"><a:t>1</a:t></a:fld></a:p>"#,
            ),
        ]
        .concat(),
    );
    let second = slide("", &shape(r#"<p:ph type="ctrTitle"/>"#, &para("", "Merci")));
    let hidden = slide(r#" show="0""#, &shape("", &para("", "Diapositive cachée")));
    let first_rels = format!(
        r#"<Relationships {RELS}>{}{}</Relationships>"#,
        rel("rId1", "slideLayout", "../slideLayouts/slideLayout2.xml"),
        rel("rId2", "notesSlide", "../notesSlides/notesSlide1.xml"),
    );
    let notes = format!(
        r#"<p:notes {P_NS}><p:cSld><p:spTree>{}{}{}</p:spTree></p:cSld></p:notes>"#,
        shape(r#"<p:ph type="sldImg"/>"#, ""),
        shape(
            r#"<p:ph type="body" idx="1"/>"#,
            &para("", "Rappeler le rôle de la CAF."),
        ),
        shape(r#"<p:ph type="sldNum" idx="5"/>"#, &para("", "1")),
    );
    let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>CTG de Cergy</dc:title></cp:coreProperties>"#;
    zip_of(&[
        ("_rels/.rels", root.as_bytes()),
        ("ppt/presentation.xml", presentation.as_bytes()),
        (
            "ppt/_rels/presentation.xml.rels",
            presentation_rels.as_bytes(),
        ),
        ("ppt/slides/slide1.xml", second.as_bytes()),
        ("ppt/slides/slide2.xml", first.as_bytes()),
        ("ppt/slides/slide3.xml", hidden.as_bytes()),
        ("ppt/slides/_rels/slide2.xml.rels", first_rels.as_bytes()),
        ("ppt/notesSlides/notesSlide1.xml", notes.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
    ])
}

#[test]
fn pptx_features_are_read() {
    let out = pptx::extract(&synthetic_pptx(), &limits()).unwrap();
    let expected = [
        "Convention Territoriale Globale",
        "",
        "Axe 1 : Parentalité",
        "",
        "- Développer les LAEP",
        "- Créer un café des parents",
        "- ligne un",
        "ligne deux",
        "",
        "Calendrier 2023",
        "",
        "1. Diagnostic",
        "2. Concertation",
        "c) Signature",
        "",
        "Action\tPilote",
        "CLAS et LAEP\tVille",
        "",
        "Choix",
        "",
        "Rappeler le rôle de la CAF.",
        "",
        "\u{E001}Merci",
    ]
    .join("\n");
    assert_eq!(out.text, expected);
    // The hidden slide is a slide of the file, not of the deck shown.
    assert_eq!(out.n_pages, 2);
    assert_eq!(out.title.as_deref(), Some("CTG de Cergy"));
}

#[test]
fn slides_listed_nowhere_are_read_in_the_order_of_their_numbers() {
    let deck = synthetic_pptx();
    // Without the presentation's list, slide1 then slide2 (then the hidden slide3).
    let unlisted = super::tests::rename(&deck, "ppt/presentation.xml", "ppt/presentation.bak");
    let root = format!(
        r#"<Relationships {RELS}>{}</Relationships>"#,
        rel("rId1", "officeDocument", "ppt/presentation.bak")
    );
    let unlisted = replace_entry(&unlisted, "_rels/.rels", root.as_bytes());
    let unlisted = replace_entry(
        &unlisted,
        "ppt/presentation.bak",
        format!(r#"<p:presentation {P_NS}/>"#).as_bytes(),
    );
    let unlisted = super::tests::rename(
        &unlisted,
        "ppt/_rels/presentation.xml.rels",
        "ppt/_rels/presentation.bak.rels",
    );
    let out = pptx::extract(&unlisted, &limits()).unwrap();
    assert!(
        out.text.starts_with("Merci\n\n\u{E001}Convention"),
        "{}",
        out.text
    );
}

/// The entry `name` of the archive `bytes`.
fn read_entry(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut file = archive.by_name(name).unwrap();
    let mut content = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut content).unwrap();
    content
}

/// `bytes` with the entry `name` holding `data` instead.
fn replace_entry(bytes: &[u8], name: &str, data: &[u8]) -> Vec<u8> {
    with_entries(bytes, &[(name, data)])
}

/// `bytes` with each entry of `changes` holding its data, added when missing.
fn with_entries(bytes: &[u8], changes: &[(&str, &[u8])]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut content).unwrap();
        entries.push((file.name().unwrap().to_string(), content));
    }
    for (name, data) in changes {
        match entries.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = data.to_vec(),
            None => entries.push((name.to_string(), data.to_vec())),
        }
    }
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip_of(&refs)
}

#[test]
fn smartart_text_follows_the_diagram_order_not_the_file_order() {
    // A process diagram: « Diagnostic » (with two sub-points) then « Concertation »,
    // written in the data part out of that order, beside connectors and presentation
    // points that hold no text a person typed; PowerPoint's cached drawing repeats it.
    let data = r#"<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst><dgm:pt modelId="{0}" type="doc"><dgm:prSet/><dgm:spPr/><dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:endParaRPr lang="fr-FR"/></a:p></dgm:t></dgm:pt><dgm:pt modelId="{2}"><dgm:prSet phldrT="[Texte]"/><dgm:spPr/><dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="fr-FR"/><a:t>Concertation</a:t></a:r></a:p></dgm:t></dgm:pt><dgm:pt modelId="{1}"><dgm:prSet/><dgm:spPr/><dgm:t><a:bodyPr/><a:p><a:r><a:t>Diagnostic</a:t></a:r></a:p></dgm:t></dgm:pt><dgm:pt modelId="{3}"><dgm:t><a:p><a:r><a:t>Portrait de territoire</a:t></a:r></a:p><a:p><a:r><a:t>Analyse des besoins </a:t></a:r><a:r><a:t>sociaux</a:t></a:r></a:p></dgm:t></dgm:pt><dgm:pt modelId="{9}" type="parTrans" cxnId="{c1}"><dgm:t><a:p><a:r><a:t>liaison</a:t></a:r></a:p></dgm:t></dgm:pt><dgm:pt modelId="{8}" type="pres"><dgm:prSet presAssocID="{1}" presName="node"/></dgm:pt></dgm:ptLst><dgm:cxnLst><dgm:cxn modelId="{c2}" srcId="{0}" destId="{2}" srcOrd="1" destOrd="0"/><dgm:cxn modelId="{c1}" srcId="{0}" destId="{1}" srcOrd="0" destOrd="0"/><dgm:cxn modelId="{c3}" srcId="{1}" destId="{3}" srcOrd="0" destOrd="0"/><dgm:cxn modelId="{c4}" type="presOf" srcId="{1}" destId="{8}" srcOrd="0" destOrd="0"/></dgm:cxnLst></dgm:dataModel>"#;
    let drawing = r#"<dsp:drawing xmlns:dsp="http://schemas.microsoft.com/office/drawing/2008/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dsp:spTree><dsp:sp><dsp:txBody><a:p><a:r><a:t>Diagnostic</a:t></a:r></a:p></dsp:txBody></dsp:sp></dsp:spTree></dsp:drawing>"#;
    let frame = r#"<p:graphicFrame><p:nvGraphicFramePr><p:cNvPr id="4" name="Diagramme 3"/><p:cNvGraphicFramePr/><p:nvPr/></p:nvGraphicFramePr><p:xfrm/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram"><dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" r:dm="rId3" r:lo="rId4" r:qs="rId5" r:cs="rId6"/></a:graphicData></a:graphic></p:graphicFrame>"#;
    let merci = slide(
        "",
        &[
            shape(r#"<p:ph type="title"/>"#, &para("", "Notre démarche")),
            frame.to_string(),
        ]
        .concat(),
    );
    let rels = format!(
        r#"<Relationships {RELS}>{}{}</Relationships>"#,
        rel("rId3", "diagramData", "../diagrams/data1.xml"),
        r#"<Relationship Id="rId7" Type="http://schemas.microsoft.com/office/2007/relationships/diagramDrawing" Target="../diagrams/drawing1.xml"/>"#,
    );
    let deck = with_entries(
        &synthetic_pptx(),
        &[
            ("ppt/slides/slide1.xml", merci.as_bytes()),
            ("ppt/slides/_rels/slide1.xml.rels", rels.as_bytes()),
            ("ppt/diagrams/data1.xml", data.as_bytes()),
            ("ppt/diagrams/drawing1.xml", drawing.as_bytes()),
        ],
    );
    let out = pptx::extract(&deck, &limits()).unwrap();
    let second = out.text.split(PAGE_BREAK).nth(1).expect("a second slide");
    assert_eq!(
        second,
        "Notre démarche\n\nDiagnostic\n\n- Portrait de territoire\n- Analyse des besoins sociaux\n\nConcertation"
    );
    // A damaged data part loses the diagram, not the slide.
    let damaged = with_entries(
        &deck,
        &[("ppt/diagrams/data1.xml", b"<dgm:dataModel><dgm:pt")],
    );
    let out = pptx::extract(&damaged, &limits()).unwrap();
    assert!(out.text.ends_with("\u{E001}Notre démarche"), "{}", out.text);
}

// ---- Excel -------------------------------------------------------------------------------

const X_NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// A workbook of three sheets: a default-named one starting at column B, a hidden
/// list, and a named one.
fn synthetic_xlsx() -> Vec<u8> {
    let root = format!(
        r#"<Relationships {RELS}>{}</Relationships>"#,
        rel("rId1", "officeDocument", "xl/workbook.xml")
    );
    let workbook = format!(
        r#"<workbook {X_NS}><workbookPr date1904="false"/><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/><sheet name="Listes" sheetId="2" state="hidden" r:id="rId2"/><sheet name="Plan d'actions" sheetId="3" r:id="rId3"/></sheets></workbook>"#
    );
    let workbook_rels = format!(
        r#"<Relationships {RELS}>{}{}{}{}{}</Relationships>"#,
        rel("rId1", "worksheet", "worksheets/sheet1.xml"),
        rel("rId2", "worksheet", "worksheets/sheet2.xml"),
        rel("rId3", "worksheet", "worksheets/sheet3.xml"),
        rel("rId4", "sharedStrings", "sharedStrings.xml"),
        rel("rId5", "styles", "styles.xml"),
    );
    let strings = format!(
        r#"<sst {X_NS} count="4" uniqueCount="4"><si><t>Action</t></si><si><r><rPr><b/></rPr><t>Pil</t></r><r><t xml:space="preserve">ote</t></r></si><si><t>Partenaires</t><rPh sb="0" eb="1"><t>パ</t></rPh></si><si><t>CAF de l’Hérault &amp; MSA</t></si></sst>"#
    );
    let styles = format!(
        r#"<styleSheet {X_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="9" applyNumberFormat="1"/></cellXfs></styleSheet>"#
    );
    let first = format!(
        r#"<worksheet {X_NS}><sheetData><row r="1"><c r="B1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c><c r="D1" t="s"><v>2</v></c></row><row r="2"><c r="B2" t="inlineStr"><is><t>CLAS</t></is></c><c r="C2" t="str"><f>CONCAT("Vi";"lle")</f><v>Ville</v></c><c r="D2" t="s"><v>3</v></c></row><row r="3"><c r="B3" s="1"><v>44805</v></c><c r="C3" s="0"/><c r="D3" s="2"><v>0.25</v></c></row><row r="5"><c r="B5" t="inlineStr"><is><t>Budget</t></is></c><c r="C5"><v>15000.5</v></c><c r="D5" t="b"><v>1</v></c><c r="E5" t="e"><v>#N/A</v></c></row></sheetData><headerFooter><oddFooter>Page &amp;P</oddFooter></headerFooter></worksheet>"#
    );
    let hidden = format!(
        r#"<worksheet {X_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Liste cachée</t></is></c></row></sheetData></worksheet>"#
    );
    let named = format!(
        r#"<worksheet {X_NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Axe 1</t></is></c><c r="C1" t="inlineStr"><is><r><t>Accompagner </t></r><r><t>la parentalité</t></r></is></c></row></sheetData></worksheet>"#
    );
    zip_of(&[
        ("_rels/.rels", root.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/sharedStrings.xml", strings.as_bytes()),
        ("xl/styles.xml", styles.as_bytes()),
        ("xl/worksheets/sheet1.xml", first.as_bytes()),
        ("xl/worksheets/sheet2.xml", hidden.as_bytes()),
        ("xl/worksheets/sheet3.xml", named.as_bytes()),
    ])
}

#[test]
fn xlsx_features_are_read() {
    let out = xlsx::extract(&synthetic_xlsx(), &limits()).unwrap();
    let expected = [
        "Action\tPilote\tPartenaires",
        "CLAS\tVille\tCAF de l’Hérault & MSA",
        "01/09/2022\t\t25 %",
        "",
        "Budget\t15000,5\tVRAI",
        "",
        "Plan d'actions",
        "",
        "Axe 1\t\tAccompagner la parentalité",
    ]
    .join("\n");
    assert_eq!(out.text, expected);
    assert_eq!(out.n_pages, 0);
}

// ---- OpenDocument presentation and spreadsheet ----------------------------------------------

const ODF_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0""#;

fn odf_with(mimetype: &str, body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.3"><office:automatic-styles><text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" text:bullet-char="●"/></text:list-style></office:automatic-styles><office:body>{body}</office:body></office:document-content>"#
    );
    zip_of(&[
        ("mimetype", mimetype.as_bytes()),
        ("content.xml", content.as_bytes()),
    ])
}

fn frame(attributes: &str, content: &str) -> String {
    format!(r#"<draw:frame {attributes}><draw:text-box>{content}</draw:text-box></draw:frame>"#)
}

#[test]
fn odp_slides_are_pages_without_hidden_ones_placeholders_and_footers() {
    let first = [
        frame(r#"presentation:class="title""#, "<text:p>Conseil municipal</text:p>"),
        frame(
            r#"presentation:class="subtitle" presentation:placeholder="true""#,
            "<text:p>Cliquez pour ajouter un texte</text:p>",
        ),
        frame(
            r#"presentation:class="outline""#,
            r#"<text:p>Les enjeux</text:p><text:list text:style-name="L1"><text:list-item><text:p>Gouvernance</text:p></text:list-item><text:list-item><text:p>Parentalité</text:p></text:list-item></text:list>"#,
        ),
        frame(r#"presentation:class="page-number""#, "<text:p>1</text:p>"),
        r#"<presentation:notes><draw:page-thumbnail presentation:class="page"/>"#.to_string(),
        frame(r#"presentation:class="notes""#, "<text:p>Insister sur la CAF.</text:p>"),
        "</presentation:notes>".to_string(),
    ]
    .concat();
    let second = r#"<draw:frame><table:table><table:table-row><table:table-cell><text:p>CLAS</text:p></table:table-cell><table:table-cell><text:p>Ville</text:p></table:table-cell></table:table-row></table:table></draw:frame>"#;
    let body = format!(
        r#"<office:presentation><presentation:footer-decl presentation:name="ftr1">Mairie de Cergy</presentation:footer-decl><draw:page draw:name="page1" draw:style-name="dp1">{first}</draw:page><draw:page draw:name="cachée" draw:style-name="dp3"><draw:frame><draw:text-box><text:p>Diapositive cachée</text:p></draw:text-box></draw:frame></draw:page><draw:page draw:name="page2" draw:style-name="dp1">{second}</draw:page></office:presentation>"#
    );
    // LibreOffice hides a slide through its page style.
    let styles = r#"<style:style style:name="dp1" style:family="drawing-page"><style:drawing-page-properties presentation:display-footer="false"/></style:style><style:style style:name="dp3" style:family="drawing-page"><style:drawing-page-properties presentation:visibility="hidden"/></style:style>"#;
    let deck = odf_with("application/vnd.oasis.opendocument.presentation", &body);
    let content = String::from_utf8(read_entry(&deck, "content.xml"))
        .unwrap()
        .replace(
            "<office:automatic-styles>",
            &format!("<office:automatic-styles>{styles}"),
        );
    let deck = with_entries(&deck, &[("content.xml", content.as_bytes())]);
    let out = odf::extract(&deck, &limits()).unwrap();
    assert_eq!(
        out.text,
        "Conseil municipal\n\nLes enjeux\n\n- Gouvernance\n- Parentalité\n\nInsister sur la CAF.\n\n\u{E001}CLAS\tVille"
    );
    assert_eq!(out.n_pages, 2);
}

#[test]
fn ods_sheets_are_tables_cut_at_empty_rows_after_their_names() {
    let cell = |text: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
        )
    };
    let empty = |n: usize| format!(r#"<table:table-cell table:number-columns-repeated="{n}"/>"#);
    let row = |cells: &str| format!("<table:table-row>{cells}</table:table-row>");
    let first = [
        row(&format!("{}{}{}{}", empty(1), cell("Action"), cell("Pilote"), empty(16381))),
        row(&format!("{}{}{}", empty(1), cell("CLAS"), cell("Ville"))),
        r#"<table:table-row table:number-rows-repeated="3"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#.to_string(),
        row(&format!(
            r#"{}<table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>Oui</text:p></table:table-cell>"#,
            empty(1)
        )),
    ]
    .concat();
    let body = format!(
        r#"<office:spreadsheet><table:content-validations><table:content-validation table:name="v1"><table:help-message><text:p>Choisir dans la liste</text:p></table:help-message></table:content-validation></table:content-validations><table:table table:name="Actions"><table:table-column table:number-columns-repeated="16384"/>{first}</table:table><table:table table:name="Cachée" table:display="false">{}</table:table><table:table table:name="Suivi 2023">{}</table:table><table:named-expressions/></office:spreadsheet>"#,
        row(&cell("Secret")),
        row(&cell("Réalisé")),
    );
    let out = odf::extract(
        &odf_with("application/vnd.oasis.opendocument.spreadsheet", &body),
        &limits(),
    )
    .unwrap();
    assert_eq!(
        out.text,
        "Actions\n\nAction\tPilote\nCLAS\tVille\n\nOui\tOui\n\nSuivi 2023\n\nRéalisé"
    );
}

// ---- damage ------------------------------------------------------------------------------

fn damage_inputs() -> Vec<(&'static str, Reader, Vec<u8>)> {
    vec![
        ("pptx", pptx::extract as Reader, fixture("pptx", DECK)),
        ("pptx synthetic", pptx::extract as Reader, synthetic_pptx()),
        ("xlsx", xlsx::extract as Reader, fixture("xlsx", WORKBOOK)),
        ("xlsx synthetic", xlsx::extract as Reader, synthetic_xlsx()),
        ("odp", odf::extract as Reader, fixture("odp", DECK)),
        ("ods", odf::extract as Reader, fixture("ods", WORKBOOK)),
    ]
}

#[test]
fn truncated_decks_and_workbooks_are_damaged_never_a_panic() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for (what, extract, bytes) in damage_inputs() {
        let mut cuts: Vec<usize> = (0..20).map(|_| rng.below(bytes.len())).collect();
        cuts.extend([0, 1, 21, 22, bytes.len() - 22, bytes.len() - 1]);
        for cut in cuts {
            match run_bounded(extract, &bytes[..cut], &format!("{what} cut at {cut}")) {
                Err(Unreadable::Damaged(_)) => {}
                other => panic!("{what} cut at {cut}: {other:?}"),
            }
        }
    }
}

#[test]
fn flipped_bytes_in_decks_and_workbooks_never_panic_nor_hang() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (what, extract, bytes) in damage_inputs() {
        for round in 0..20 {
            let mut damaged = bytes.clone();
            for _ in 0..1 + round % 4 {
                let at = rng.below(damaged.len());
                damaged[at] ^= 1 << rng.below(8);
            }
            // Any answer will do, as long as it comes, within budget.
            let _ = run_bounded(extract, &damaged, &format!("{what} round {round}"));
        }
    }
}

#[test]
fn wrong_packages_legacy_files_and_bombs_are_refused_with_a_reason() {
    let damaged = |r: Result<_, Unreadable>, word: &str| matches!(r, Err(Unreadable::Damaged(d)) if d.contains(word));
    // Each reader names what it was given instead.
    let workbook = synthetic_xlsx();
    let deck = synthetic_pptx();
    assert!(damaged(pptx::extract(&workbook, &limits()), "classeur"));
    assert!(damaged(xlsx::extract(&deck, &limits()), "présentation"));
    let ods = odf_with("application/vnd.oasis.opendocument.graphics", "");
    assert!(damaged(
        odf::extract(&ods, &limits()),
        "type application/vnd.oasis.opendocument.graphics"
    ));
    // The binary formats of Office 97-2003.
    assert!(damaged(
        pptx::extract(&ole_with(&["PowerPoint Document"]), &limits()),
        ".ppt"
    ));
    assert!(damaged(
        xlsx::extract(&ole_with(&["Workbook"]), &limits()),
        ".xls"
    ));
    assert_eq!(
        xlsx::extract(
            &ole_with(&["EncryptionInfo", "EncryptedPackage"]),
            &limits()
        )
        .unwrap_err(),
        Unreadable::Encrypted
    );
    // A sheet that inflates past the budget.
    let small = super::types::Limits {
        max_output_bytes: 1 << 20,
        max_decompressed_bytes: 4 << 20,
    };
    let bomb = bomb(64 << 20, "xl/workbook.xml", b" ");
    assert!(matches!(
        xlsx::extract(&bomb, &small),
        Err(Unreadable::TooLarge(_))
    ));
}

#[test]
fn a_sheet_of_a_million_rows_is_cut_by_the_output_budget() {
    let rows: String = (1..=200_000)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Ligne {r} du suivi</t></is></c></row>"#))
        .collect();
    let deck = synthetic_xlsx();
    let big = replace_entry(
        &deck,
        "xl/worksheets/sheet3.xml",
        format!(r#"<worksheet {X_NS}><sheetData>{rows}</sheetData></worksheet>"#).as_bytes(),
    );
    let small = super::types::Limits {
        max_output_bytes: 1 << 20,
        max_decompressed_bytes: 64 << 20,
    };
    assert!(matches!(
        xlsx::extract(&big, &small),
        Err(Unreadable::TooLarge(d)) if d.contains("texte extrait")
    ));
}
