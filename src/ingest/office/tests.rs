//! Tests of both readers: the shared fixtures (docx/odt renderings of the text corpus),
//! synthetic documents for what the fixtures do not show, damaged and hostile files.

use std::collections::HashSet;
use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::types::{Extracted, Limits, Unreadable};
use super::{docx, odf};

const STEMS: [&str; 5] = [
    "000_399e86bc45b017b4",
    "001_f1af12ce620947bd",
    "002_3bfbff5f5364b1b9",
    "003_864e71f6e14458d9",
    "004_5393f7e667cdb102",
];

pub(super) type Reader = fn(&[u8], &Limits) -> Result<Extracted, Unreadable>;
const FORMATS: [(&str, Reader); 2] = [("docx", docx::extract), ("odt", odf::extract)];

/// The shipped plans rendered as DOCX, ODT and PDF, kept in the repository.
pub(super) fn formats_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

fn fixture(format: &str, stem: &str) -> Vec<u8> {
    let path = formats_dir().join(format).join(format!("{stem}.{format}"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub(super) fn corpus_text(stem: &str) -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(format!("{stem}.txt")),
    )
    .expect("corpus text")
}

pub(super) fn limits() -> Limits {
    Limits::default()
}

fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() > 3)
        .map(str::to_lowercase)
        .collect()
}

/// The corpus text without its markdown marks, as ingest would clean it (enough for
/// comparing words and cells).
pub(super) fn strip_markup(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            '*' => {}
            c => out.push(c),
        }
    }
    out
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn shared_files_read_like_the_corpus_texts() {
    for stem in STEMS {
        let expected = corpus_text(stem);
        let mut outputs = Vec::new();
        for (format, extract) in FORMATS {
            let out = extract(&fixture(format, stem), &limits())
                .unwrap_or_else(|e| panic!("{format} {stem}: {e}"));
            let text = &out.text;
            assert_eq!(out.n_pages, 0);
            assert_eq!(
                out.title, None,
                "{format} {stem}: the fixtures have an empty dc:title"
            );
            assert!(!text.contains('\r') && !text.contains('\u{AD}') && !text.contains('\u{200B}'));
            assert!(
                !text.lines().any(|l| l != l.trim_matches(' ')),
                "{format} {stem}: untrimmed line"
            );
            assert!(
                !text.lines().any(|l| l.ends_with('\t')),
                "{format} {stem}: trailing empty cell"
            );

            // Words: ≥ 95 % of the text's distinct words (> 3 letters) are found.
            let want = words(&strip_markup(&expected));
            let got = words(text);
            let missing: Vec<&String> = want.difference(&got).collect();
            let found = 1.0 - missing.len() as f64 / want.len() as f64;
            assert!(
                found >= 0.95,
                "{format} {stem}: {:.1} % of words, missing {missing:?}",
                found * 100.0
            );

            // Markdown tables are real tables in DOCX/ODT: each row is one line with the
            // same cells. (Rows whose cells held raw HTML were dropped by the converter.)
            let lines: HashSet<&str> = text.lines().collect();
            let mut rows = 0;
            for line in expected.lines().filter(|l| l.trim_start().starts_with('|')) {
                let cells: Vec<String> = line
                    .trim()
                    .trim_matches('|')
                    .split('|')
                    .map(|c| squeeze(&c.replace("**", "")))
                    .collect();
                if line.contains('<')
                    || cells
                        .iter()
                        .all(|c| c.is_empty() || c.chars().all(|ch| matches!(ch, '-' | ':')))
                {
                    continue;
                }
                let mut cells = cells;
                while cells.last().is_some_and(|c| c.is_empty()) {
                    cells.pop();
                }
                let row = cells.join("\t");
                assert!(
                    lines.contains(row.as_str()),
                    "{format} {stem}: row not found: {row:?}"
                );
                rows += 1;
            }
            // Tab-separated rows of the corpus are one paragraph per cell in these files
            // (see corpus-formats/README.md): every cell's text is there.
            let flat = squeeze(&text.replace('\t', " "));
            for line in expected
                .lines()
                .filter(|l| l.contains('\t') && !l.trim_start().starts_with('|'))
            {
                // (A cell's bullets are items of their own; a cell of dashes became an em dash.)
                for cell in strip_markup(line)
                    .split(['\t', '•'])
                    .map(squeeze)
                    .filter(|c| !c.is_empty() && !c.chars().all(|ch| ch == '-'))
                {
                    assert!(
                        flat.contains(&cell),
                        "{format} {stem}: cell not found: {cell:?}"
                    );
                }
            }
            if stem.starts_with("001") {
                assert!(
                    rows >= 30,
                    "{format} {stem}: only {rows} table rows checked"
                );
            }
            outputs.push(out.text);
        }
        // Both renderings of one text read the same.
        assert_eq!(outputs[0], outputs[1], "{stem}: docx and odt differ");
    }
}

#[test]
fn fixture_details_survive() {
    let text = docx::extract(&fixture("docx", "001_f1af12ce620947bd"), &limits())
        .unwrap()
        .text;
    // A three-column table row with leading empty cells ("same as above").
    assert!(text.contains("\n\t\tAction 2 : A partir de l'existant, réfléchir au développement d'une offre de soutien scolaire au sein des écoles du territoire\n"));
    // Bulleted items and hard line breaks.
    assert!(text.contains("\n- Objectif 1 : Prévenir les situations de fragilités\n- Objectif 2 :"));
    assert!(text.contains("\nAxe 1 : Grandir\net s'épanouir\nsur la ville en\ntant que\ncitoyen\n"));
    // Headings glued in one paragraph, told apart by weight.
    assert!(text.contains("\nAXE : JEUNESSE\nACTION : RENFORCER LES ACTIONS D'ALLER VERS"));
    // Numbered items keep their numbers.
    let text = odf::extract(&fixture("odt", "003_864e71f6e14458d9"), &limits())
        .unwrap()
        .text;
    assert!(text.contains("\n1. METHODOLOGIE D'ELABORATION DU PLAN D' ACTIONS\n"));
    assert!(text.contains("\n2. TABLEAU RECAPITULATIF\n"));
}

// ---- synthetic documents ----------------------------------------------------------------

pub(super) fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let method = if *name == "mimetype" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        writer
            .start_file(
                *name,
                SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml""#;

fn docx_with(body: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>{body}<w:sectPr><w:headerReference w:type="default" r:id="rId5"/></w:sectPr></w:body></w:document>"#
    );
    let root_rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;
    let doc_rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.org/" TargetMode="External"/></Relationships>"#;
    let styles = format!(
        r#"<w:styles {W}><w:docDefaults><w:rPrDefault><w:rPr/></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Titre1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Puces"><w:name w:val="List Bullet"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style></w:styles>"#
    );
    let numbering = format!(
        r#"<w:numbering {W}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val=""/><w:rPr><w:rFonts w:ascii="Symbol"/></w:rPr></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Axe %1 :"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#
    );
    let footnotes = format!(
        r#"<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Source : CAF, 2019</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    let header = format!(r#"<w:hdr {W}><w:p><w:r><w:t>EN-TÊTE COURANT</w:t></w:r></w:p></w:hdr>"#);
    let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title> Plan d’action
 2022 </dc:title></cp:coreProperties>"#;
    let mut entries: Vec<(&str, &[u8])> = vec![
        (
            "[Content_Types].xml",
            b"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
        ),
        ("_rels/.rels", root_rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", doc_rels.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
        ("word/footnotes.xml", footnotes.as_bytes()),
        ("word/header1.xml", header.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
    ];
    entries.extend_from_slice(extra);
    zip_of(&entries)
}

fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn li(num: u32, level: u32, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
    )
}

const DOCX_BODY_EXPECTED: &str = "Plan d’action\n\nAxe 1 : Grandir\n1.1. Prévenir\na) détail\n1.2. Ouvrir\nAxe 2 : Accompagner\n2.1. Soutenir\n- puce un\n- puce imbriquée\n- puce par le style\n\nPILOTES :\tVille\nseconde ligne avec trait d’union\n\nVoir le site ajouté p. 3 finale\n\nAncre\n\nEncadré\n\nAxe\tActions\nAxe 1\tIntro suite fin\tVille • CCAS\n\t\tAction 2\n\nDU CLAS\nÉLÉMENTS DE DIAGNOSTIC\n\nFin du document";

fn synthetic_docx() -> Vec<u8> {
    let body = [
        r#"<w:p><w:pPr><w:pStyle w:val="Titre1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Plan d’action</w:t></w:r></w:p>"#.to_string(),
        li(2, 0, "Grandir"),
        li(2, 1, "Prévenir"),
        li(2, 2, "détail"),
        li(2, 1, "Ouvrir"),
        li(2, 0, "Accompagner"),
        li(2, 1, "Soutenir"),
        li(1, 0, "puce un"),
        li(1, 1, "• puce imbriquée"),
        r#"<w:p><w:pPr><w:pStyle w:val="Puces"/></w:pPr><w:r><w:t>puce par le style</w:t></w:r></w:p>"#.to_string(),
        r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="2000"/></w:tabs><w:rPr><w:b/></w:rPr></w:pPr><w:r><w:t xml:space="preserve">PILOTES : </w:t></w:r><w:r><w:tab/><w:t>Ville</w:t></w:r><w:r><w:br/><w:t>seconde ligne avec trait d</w:t></w:r><w:r><w:softHyphen/><w:t>’union</w:t></w:r></w:p>"#.to_string(),
        r#"<w:p><w:r><w:t xml:space="preserve">Voir </w:t></w:r><w:hyperlink r:id="rId9"><w:r><w:t>le site</w:t></w:r></w:hyperlink><w:del w:id="1" w:author="x"><w:r><w:delText>supprimé</w:delText></w:r></w:del><w:ins w:id="2" w:author="x"><w:r><w:t xml:space="preserve"> ajouté</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>caché</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGEREF _Toc1 \h </w:instrText></w:r><w:r><w:t>instruction</w:t></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> p. 3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t xml:space="preserve"> ﬁn&#xAD;ale&#x200B;</w:t></w:r></w:p>"#.to_string(),
        r#"<w:p><w:r><w:t>Ancre</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>Encadré</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Encadré</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#.to_string(),
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="Grille"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
<w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:p><w:r><w:t>Axe</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>Actions</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>Axe 1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Intro</w:t></w:r></w:p><w:p><w:r><w:t>suite</w:t><w:br/><w:t>fin</w:t></w:r></w:p></w:tc><w:tc>"#.to_string(),
        li(1, 0, "Ville"),
        li(1, 0, "CCAS"),
        r#"</w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>Action 2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#.to_string(),
        r#"<w:p><w:r><w:t>DU CLAS</w:t></w:r><w:r><w:rPr><w:b/><w:bCs/></w:rPr><w:t>ÉLÉMENTS DE DIAGNOSTIC</w:t></w:r></w:p><w:p/>"#.to_string(),
        p("Fin du document"),
    ]
    .concat();
    docx_with(&body, &[])
}

#[test]
fn docx_features_are_read() {
    let out = docx::extract(&synthetic_docx(), &limits()).unwrap();
    assert_eq!(
        out.text,
        format!("{DOCX_BODY_EXPECTED}\n\nSource : CAF, 2019")
    );
    assert_eq!(out.title.as_deref(), Some("Plan d’action 2022"));
    assert_eq!(out.n_pages, 0);
}

const ODT_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/""#;

fn odt_with(body: &str, manifest_extra: &str, mimetype: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {ODT_NS} office:version="1.3">
  <office:automatic-styles>
    <style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
    <text:list-style style:name="L1"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/><text:list-level-style-bullet text:level="2" text:bullet-char="◦"/></text:list-style>
    <text:list-style style:name="L2"><text:list-level-style-number text:level="1" style:num-prefix="Axe " style:num-suffix=" :" style:num-format="1"/><text:list-level-style-number text:level="2" style:num-suffix="." style:num-format="1" text:display-levels="2"/><text:list-level-style-number text:level="3" style:num-suffix=")" style:num-format="a"/></text:list-style>
  </office:automatic-styles>
  <office:body>
    <office:text>
      {body}
    </office:text>
  </office:body>
</office:document-content>"#
    );
    let styles = format!(
        r#"<office:document-styles {ODT_NS}><office:styles><text:outline-style style:name="Outline"><text:outline-level-style text:level="1" style:num-format=""/></text:outline-style><text:list-style style:name="Numbering_20_123"><text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1" text:start-value="4"/></text:list-style></office:styles><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>EN-TÊTE COURANT</text:p></style:header></style:master-page></office:master-styles></office:document-styles>"#
    );
    let meta = format!(
        r#"<office:document-meta {ODT_NS}><office:meta><dc:title>Contrat de ville</dc:title></office:meta></office:document-meta>"#
    );
    let manifest = format!(
        r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}</manifest:file-entry></manifest:manifest>"#
    );
    zip_of(&[
        ("mimetype", mimetype.as_bytes()),
        ("content.xml", content.as_bytes()),
        ("styles.xml", styles.as_bytes()),
        ("meta.xml", meta.as_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes()),
    ])
}

const ODT_MIME: &str = "application/vnd.oasis.opendocument.text";

fn synthetic_odt() -> Vec<u8> {
    let body = r#"<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Figure"/></text:sequence-decls>
      <text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info><dc:creator>x</dc:creator></office:change-info><text:p>supprimé</text:p></text:deletion></text:changed-region></text:tracked-changes>
      <text:h text:outline-level="1">Plan d’action</text:h>
      <text:list text:style-name="L2">
        <text:list-item><text:p>Grandir</text:p>
          <text:list><text:list-item><text:p>Prévenir</text:p>
            <text:list><text:list-item><text:p>détail</text:p></text:list-item></text:list></text:list-item>
            <text:list-item><text:p>Ouvrir</text:p></text:list-item></text:list>
        </text:list-item>
        <text:list-item><text:p>Accompagner</text:p>
          <text:list><text:list-item><text:p>Soutenir</text:p></text:list-item></text:list>
        </text:list-item>
      </text:list>
      <text:list text:style-name="L1"><text:list-item><text:p>puce un</text:p><text:list><text:list-item><text:p>• puce imbriquée</text:p></text:list-item></text:list></text:list-item><text:list-item><text:p>puce <text:span text:style-name="T1">en gras</text:span></text:p><text:p>suite de la puce</text:p></text:list-item></text:list>
      <text:list text:style-name="Numbering_20_123"><text:list-item><text:p>quatrième</text:p></text:list-item></text:list>
      <text:p>PILOTES :<text:tab/>Ville<text:line-break/>seconde   ligne<text:s text:c="3"/>avec trait d&#xAD;’union</text:p>
      <text:p>Voir <text:a xlink:href="https://example.org/">le site</text:a><text:change text:change-id="c1"/> ajouté<office:annotation><dc:creator>x</dc:creator><text:p>commentaire</text:p></office:annotation> p. 3<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Source : CAF, 2019</text:p></text:note-body></text:note> ﬁnale</text:p>
      <text:p>Ancre<draw:frame draw:name="Cadre1"><svg:desc>description</svg:desc><draw:text-box><text:p>Encadré</text:p></draw:text-box></draw:frame><draw:frame><draw:image xlink:href="Pictures/a.png"><text:p>légende d’image</text:p></draw:image></draw:frame></text:p>
      <table:table table:name="T"><table:table-column table:number-columns-repeated="3"/>
        <table:table-header-rows><table:table-row><table:table-cell><text:p>Axe</text:p></table:table-cell><table:table-cell table:number-columns-spanned="2"><text:p>Actions</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table-header-rows>
        <table:table-row><table:table-cell><text:p>Axe 1</text:p></table:table-cell><table:table-cell><text:p>Intro</text:p><text:p>suite<text:line-break/>fin</text:p></table:table-cell><table:table-cell><text:list text:style-name="L1"><text:list-item><text:p>Ville</text:p></text:list-item><text:list-item><text:p>CCAS</text:p></text:list-item></text:list></table:table-cell></table:table-row>
        <table:table-row><table:table-cell table:number-columns-repeated="2"/><table:table-cell><text:p>Action 2</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1000"/></table:table-row>
      </table:table>
      <text:p>DU CLAS<text:span text:style-name="T1">ÉLÉMENTS DE DIAGNOSTIC</text:span></text:p>
      <text:p/>
      <text:p>Fin du document</text:p>"#;
    odt_with(body, "", ODT_MIME)
}

#[test]
fn odt_features_are_read() {
    let out = odf::extract(&synthetic_odt(), &limits()).unwrap();
    let expected = DOCX_BODY_EXPECTED.replace(
        "- puce imbriquée\n- puce par le style\n",
        "- puce imbriquée\n- puce en gras\nsuite de la puce\n4. quatrième\n",
    );
    assert_eq!(out.text, format!("{expected}\n\nSource : CAF, 2019"));
    assert_eq!(out.title.as_deref(), Some("Contrat de ville"));
}

// ---- damaged and hostile files ------------------------------------------------------------

/// A small deterministic generator (xorshift) for the damage loops.
pub(super) struct Rng(pub(super) u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Runs `extract` on `bytes`, checking it returns (no panic reaches here: a panic fails
/// the test) within `limit` and within the output budget.
pub(super) fn run_bounded(
    extract: Reader,
    bytes: &[u8],
    what: &str,
) -> Result<Extracted, Unreadable> {
    let limits = Limits {
        max_output_bytes: 1 << 20,
        max_decompressed_bytes: 8 << 20,
    };
    let started = Instant::now();
    let result = extract(bytes, &limits);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{what}: took {:?}",
        started.elapsed()
    );
    if let Ok(out) = &result {
        assert!(
            out.text.len() <= limits.max_output_bytes,
            "{what}: output over budget"
        );
    }
    result
}

fn damage_inputs() -> Vec<(&'static str, Reader, &'static str, Vec<u8>)> {
    let mut inputs = Vec::new();
    for (format, extract) in FORMATS {
        for stem in [
            "000_399e86bc45b017b4",
            "002_3bfbff5f5364b1b9",
            "004_5393f7e667cdb102",
            "001_f1af12ce620947bd",
        ] {
            inputs.push((format, extract, stem, fixture(format, stem)));
        }
    }
    inputs.push((
        "docx",
        docx::extract as Reader,
        "synthetic",
        synthetic_docx(),
    ));
    inputs.push(("odt", odf::extract as Reader, "synthetic", synthetic_odt()));
    inputs
}

#[test]
fn truncated_files_are_damaged_never_a_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for (format, extract, stem, bytes) in damage_inputs() {
        let big = bytes.len() > 30_000;
        let mut cuts: Vec<usize> = (0..(if big { 12 } else { 40 }))
            .map(|_| rng.below(bytes.len()))
            .collect();
        cuts.extend([0, 1, 4, 21, 22, 100, bytes.len() - 22, bytes.len() - 1]);
        for cut in cuts {
            let what = format!("{format} {stem} cut at {cut}");
            match run_bounded(extract, &bytes[..cut], &what) {
                Err(Unreadable::Damaged(_)) => {}
                other => panic!("{what}: {other:?}"),
            }
        }
    }
}

#[test]
fn flipped_bytes_never_panic_nor_hang() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut outcomes = [0usize; 3];
    for (format, extract, stem, bytes) in damage_inputs() {
        let rounds = if bytes.len() > 30_000 { 8 } else { 40 };
        for round in 0..rounds {
            let mut damaged = bytes.clone();
            let flips = 1 + rng.below(if round % 4 == 0 { 64 } else { 4 });
            for _ in 0..flips {
                let at = rng.below(damaged.len());
                damaged[at] ^= 1 << rng.below(8);
            }
            // A third of the time, damage the central directory or local headers in bulk.
            if round % 3 == 0 {
                let start = rng.below(damaged.len());
                let end = (start + 1 + rng.below(64)).min(damaged.len());
                for byte in &mut damaged[start..end] {
                    *byte = rng.next() as u8;
                }
            }
            let what = format!("{format} {stem} round {round}");
            match run_bounded(extract, &damaged, &what) {
                Ok(_) => outcomes[0] += 1,
                Err(Unreadable::Damaged(_)) => outcomes[1] += 1,
                Err(_) => outcomes[2] += 1,
            }
        }
    }
    // Some damage goes unnoticed (a flipped letter), most does not.
    assert!(outcomes[1] > 0, "{outcomes:?}");
}

#[test]
fn damaged_xml_inside_a_sound_zip_is_damaged() {
    let body = p("Un paragraphe");
    let sound = synthetic_docx();
    assert!(docx::extract(&sound, &limits()).is_ok());
    for broken in [
        format!("{body}<w:p><w:r><w:t>non fermé</w:t></w:r>"),
        format!("{body}</w:p>"),
        format!("{body}<w:p><w:r><w:t>&inconnue;</w:t></w:r></w:p>"),
        format!("{body}<w:p><w:r><w:t>a < b</w:t></w:r></w:p>"),
    ] {
        match docx::extract(&docx_with(&broken, &[]), &limits()) {
            Err(Unreadable::Damaged(detail)) => {
                assert!(detail.contains("word/document.xml"), "{detail}")
            }
            other => panic!("{broken}: {other:?}"),
        }
    }
    match odf::extract(&odt_with("<text:p>ouvert", "", ODT_MIME), &limits()) {
        Err(Unreadable::Damaged(detail)) => assert!(detail.contains("content.xml"), "{detail}"),
        other => panic!("{other:?}"),
    }
    // No root element (a part of zeros or of text).
    for junk in [vec![0u8; 1000], b"juste du texte".to_vec()] {
        let bytes = zip_of(&[("word/document.xml", &junk)]);
        assert!(matches!(
            docx::extract(&bytes, &limits()),
            Err(Unreadable::Damaged(_))
        ));
        let bytes = zip_of(&[("content.xml", &junk)]);
        assert!(matches!(
            odf::extract(&bytes, &limits()),
            Err(Unreadable::Damaged(_))
        ));
    }
    // Truncated deflate data of the main part.
    let mut bytes = synthetic_docx();
    let at = find(&bytes, b"word/document.xml").unwrap() + 40;
    for byte in &mut bytes[at..at + 30] {
        *byte = 0xAA;
    }
    assert!(matches!(
        docx::extract(&bytes, &limits()),
        Err(Unreadable::Damaged(_))
    ));
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn not_a_zip_and_wrong_packages_are_damaged() {
    let html = b"<html><body>Plan d'action</body></html>".to_vec();
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
    for (format, extract) in FORMATS {
        for bytes in [
            Vec::new(),
            b"PK".to_vec(),
            html.clone(),
            pdf.clone(),
            vec![0u8; 4096],
        ] {
            match extract(&bytes, &limits()) {
                Err(Unreadable::Damaged(_)) => {}
                other => panic!("{format}: {other:?}"),
            }
        }
    }
    // A zip that is not the right package.
    let other = zip_of(&[("readme.txt", b"bonjour")]);
    assert!(
        matches!(docx::extract(&other, &limits()), Err(Unreadable::Damaged(d)) if d.contains("word/document.xml"))
    );
    assert!(
        matches!(odf::extract(&other, &limits()), Err(Unreadable::Damaged(d)) if d.contains("content.xml"))
    );
    // Each reader refuses the other's format with a word about it.
    assert!(
        matches!(docx::extract(&synthetic_odt(), &limits()), Err(Unreadable::Damaged(d)) if d.contains("OpenDocument"))
    );
    assert!(matches!(
        odf::extract(&synthetic_docx(), &limits()),
        Err(Unreadable::Damaged(_))
    ));
    // A drawing is no text, presentation or spreadsheet.
    let odg = odt_with(
        "<text:p>x</text:p>",
        "",
        "application/vnd.oasis.opendocument.graphics",
    );
    assert!(
        matches!(odf::extract(&odg, &limits()), Err(Unreadable::Damaged(d)) if d.contains("graphics"))
    );
}

/// An OLE compound file whose directory names `streams` (UTF-16LE), as Office writes them.
pub(super) fn ole_with(streams: &[&str]) -> Vec<u8> {
    let mut bytes = super::zipread::OLE_MAGIC.to_vec();
    bytes.resize(1024, 0);
    for stream in streams {
        bytes.extend(stream.encode_utf16().flat_map(u16::to_le_bytes));
        bytes.resize(bytes.len() + 64, 0);
    }
    bytes
}

#[test]
fn encrypted_files_are_encrypted() {
    let encrypted = ole_with(&["EncryptionInfo", "EncryptedPackage", "\u{6}DataSpaces"]);
    assert_eq!(
        docx::extract(&encrypted, &limits()).unwrap_err(),
        Unreadable::Encrypted
    );
    assert_eq!(
        odf::extract(&encrypted, &limits()).unwrap_err(),
        Unreadable::Encrypted
    );
    // A legacy Word 97 file is not an encrypted one.
    let legacy = ole_with(&["WordDocument", "1Table"]);
    assert!(
        matches!(docx::extract(&legacy, &limits()), Err(Unreadable::Damaged(d)) if d.contains(".doc"))
    );
    // An encrypted ODF package (manifest encryption-data).
    let odt = odt_with(
        "<text:p>x</text:p>",
        r#"<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"/>"#,
        ODT_MIME,
    );
    assert_eq!(
        odf::extract(&odt, &limits()).unwrap_err(),
        Unreadable::Encrypted
    );
    assert_eq!(
        Unreadable::Encrypted.to_string(),
        "fichier protégé par mot de passe"
    );
}

/// A package whose main part is `size` bytes of `<w:p/>` (or zeros) behind a small
/// compressed size.
pub(super) fn bomb(size: usize, main: &str, filler: &[u8]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(size as u64 >= u32::MAX as u64);
    writer.start_file(main, options).unwrap();
    let chunk: Vec<u8> = filler.iter().copied().cycle().take(1 << 20).collect();
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        writer.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn zip_bombs_are_too_large() {
    let small = Limits {
        max_output_bytes: 1 << 20,
        max_decompressed_bytes: 4 << 20,
    };
    // 64 MB of zeros compressed to a few dozen KB: refused from its declared size.
    let zeros = bomb(64 << 20, "word/document.xml", &[0]);
    assert!(zeros.len() < 1 << 20, "{} bytes", zeros.len());
    for (format, extract) in FORMATS {
        let bytes = if format == "odt" {
            rename(&zeros, "word/document.xml", "content.xml\0\0\0\0\0\0")
        } else {
            zeros.clone()
        };
        match extract(&bytes, &small) {
            Err(Unreadable::TooLarge(detail)) => {
                assert!(detail.contains("décompressé"), "{detail}")
            }
            other => panic!("{format}: {other:?}"),
        }
    }
    // The same with sizes that lie (declared 1000 bytes): stopped while reading, never
    // more than the budget decompressed.
    let liar = lie_about_sizes(&bomb(16 << 20, "word/document.xml", &[0]), 1000);
    let started = Instant::now();
    match docx::extract(&liar, &small) {
        Err(Unreadable::TooLarge(_) | Unreadable::Damaged(_)) => {}
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    // Well-formed XML whose text exceeds the output budget.
    let body: String = std::iter::repeat_n(
        p("Lorem ipsum dolor sit amet, consectetur adipiscing elit."),
        40_000,
    )
    .collect();
    let wordy = docx_with(&body, &[]);
    match docx::extract(
        &wordy,
        &Limits {
            max_decompressed_bytes: 64 << 20,
            ..small
        },
    ) {
        Err(Unreadable::TooLarge(detail)) => assert!(detail.contains("texte"), "{detail}"),
        other => panic!("{other:?}"),
    }
    // Too many entries.
    let names: Vec<String> = (0..6000).map(|i| format!("word/media/{i}.bin")).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    entries.push(("word/document.xml", b"<w:document/>"));
    match docx::extract(&zip_of(&entries), &limits()) {
        Err(Unreadable::TooLarge(detail)) => assert!(detail.contains("entrées"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

#[test]
#[ignore = "compresses 1 GB (about 100 s in debug); run with --ignored"]
fn a_gigabyte_of_zeros_is_too_large() {
    let zeros = bomb(1 << 30, "word/document.xml", &[0]);
    assert!(matches!(
        docx::extract(&zeros, &limits()),
        Err(Unreadable::TooLarge(_))
    ));
}

/// Renames an entry in place (same length), local header and central directory alike.
pub(super) fn rename(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let mut out = bytes.to_vec();
    let mut at = 0;
    while let Some(found) = find(&out[at..], from.as_bytes()) {
        let start = at + found;
        out[start..start + to.len()].copy_from_slice(to.as_bytes());
        at = start + to.len();
    }
    out
}

/// Sets every declared uncompressed size (local headers and central directory) to `size`.
fn lie_about_sizes(bytes: &[u8], size: u32) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i + 30 < out.len() {
        if out[i..i + 4] == [0x50, 0x4B, 0x03, 0x04] {
            out[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
        } else if out[i..i + 4] == [0x50, 0x4B, 0x01, 0x02] {
            out[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
        }
        i += 1;
    }
    out
}

#[test]
fn messages_are_french() {
    assert_eq!(
        Unreadable::Damaged("pas une archive zip".into()).to_string(),
        "fichier endommagé : pas une archive zip"
    );
    let err = docx::extract(
        &bomb(64 << 20, "word/document.xml", &[0]),
        &Limits {
            max_output_bytes: 1 << 20,
            max_decompressed_bytes: 4 << 20,
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "fichier trop volumineux : plus de 4,0 Mo une fois décompressé"
    );
    assert!(Unreadable::NoTextLayer.to_string().contains("numérisé"));
}
