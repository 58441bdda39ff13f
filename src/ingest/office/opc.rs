//! The Open Packaging Conventions that Word, PowerPoint and Excel files share: parts
//! found through relationships, rather than at fixed names, since producers name them
//! as they like (`word/document2.xml`, `ppt/slides/slide12.xml`).

use quick_xml::events::Event;

use super::types::{Limits, Unreadable};
use super::xml::{self, attr};
use super::zipread::{ole_error, resolve_target, Package, OLE_MAGIC};

/// One relationship of a part.
pub(crate) struct Relationship {
    /// `r:id` by which the part names it.
    pub id: String,
    /// Last segment of the relationship type ("officeDocument", "slide", "styles"…).
    pub kind: String,
    /// The target part, resolved against the source part.
    pub target: String,
}

/// Auxiliary parts (styles, numbering, relationships) may be damaged without losing
/// the text: only running out of budget stops the reading.
pub(crate) fn lenient<T>(read: Result<T, Unreadable>) -> Result<Option<T>, Unreadable> {
    match read {
        Ok(value) => Ok(Some(value)),
        Err(Unreadable::TooLarge(detail)) => Err(Unreadable::TooLarge(detail)),
        Err(_) => Ok(None),
    }
}

/// The relationships of `source` (`""` for the package's own), with their targets
/// resolved; external targets (links) are left out, a damaged part gives none.
pub(crate) fn relationships(
    pkg: &mut Package<'_>,
    source: &str,
) -> Result<Vec<Relationship>, Unreadable> {
    let part = rels_of(source);
    let read = pkg.with_entry(&part, |input| {
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e))
                    if e.local_name().as_ref() == "Relationship" =>
                {
                    if attr(&e, "TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External")) {
                        continue;
                    }
                    if let (Some(kind), Some(target)) = (attr(&e, "Type"), attr(&e, "Target")) {
                        let kind = kind.rsplit('/').next().unwrap_or("").to_string();
                        out.push(Relationship {
                            id: attr(&e, "Id").unwrap_or_default(),
                            kind,
                            target: resolve_target(source, &target),
                        });
                    }
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => return Err(xml::error(&reader, &part, &e)),
            }
        }
        Ok(out)
    });
    Ok(lenient(read)?.flatten().unwrap_or_default())
}

/// The local name of the root element of `part` (`presentation`, `workbook`,
/// `document`), to tell a package of another kind; `None` when it has none.
fn root_element(pkg: &mut Package<'_>, part: &str) -> Result<Option<String>, Unreadable> {
    let read = pkg.with_entry(part, |input| {
        let mut reader = xml::reader(input);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) => {
                    return Ok(Some(
                        String::from_utf8_lossy(e.local_name().as_ref().as_bytes()).into_owned(),
                    ))
                }
                Ok(Event::Eof) => return Ok(None),
                Ok(_) => {}
                Err(e) => return Err(xml::error(&reader, part, &e)),
            }
        }
    })?;
    Ok(read.flatten())
}

/// The three kinds of OOXML packages: the root element of the main part, where that
/// part usually is, and what the package is, in French.
const KINDS: [(&str, &str, &str); 3] = [
    ("document", "word/document.xml", "document Word"),
    (
        "presentation",
        "ppt/presentation.xml",
        "présentation PowerPoint",
    ),
    ("workbook", "xl/workbook.xml", "classeur Excel"),
];

/// What a reader expects its package to be.
pub(crate) struct Expected {
    /// The root element of its main part (`presentation`, `workbook`).
    pub root: &'static str,
    /// What it is, for messages: « une présentation », « un classeur ».
    pub what: &'static str,
    /// Its extension, for messages: `.pptx`.
    pub extension: &'static str,
    /// Why an Office 97-2003 file of its kind is not read.
    pub legacy: &'static str,
}

/// Opens an OOXML package of the `expected` kind: the package, its own relationships,
/// and its main part. A package of another kind, an OpenDocument file, an Office
/// 97-2003 file or an encrypted one is refused with what it is.
pub(crate) fn open_main<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    expected: &Expected,
) -> Result<(Package<'a>, Vec<Relationship>, String), Unreadable> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(ole_error(bytes, expected.legacy));
    }
    let (_, default, _) = KINDS
        .iter()
        .find(|(root, _, _)| *root == expected.root)
        .copied()
        .expect("a known kind");
    let mut pkg = Package::open(bytes, limits)?;
    let root_rels = relationships(&mut pkg, "")?;
    let main = target_of(&root_rels, "officeDocument")
        .filter(|part| pkg.has(part))
        .unwrap_or(default)
        .to_string();
    let other = |what: &str| Unreadable::Damaged(format!("{what}, pas {}", expected.what));
    if !pkg.has(&main) {
        return Err(match KINDS.iter().find(|(_, part, _)| pkg.has(part)) {
            Some((_, _, kind)) => other(kind),
            None if pkg.has("content.xml") => Unreadable::Damaged(format!(
                "document OpenDocument, pas un {}",
                expected.extension
            )),
            None => Unreadable::Damaged(format!("pas {} : {default} absent", expected.what)),
        });
    }
    match root_element(&mut pkg, &main)?.as_deref() {
        Some(root) if root == expected.root => Ok((pkg, root_rels, main)),
        Some(root) => Err(match KINDS.iter().find(|(r, _, _)| *r == root) {
            Some((_, _, kind)) => other(kind),
            None => {
                Unreadable::Damaged(format!("pas {} : {main} est un « {root} »", expected.what))
            }
        }),
        None => Err(Unreadable::Damaged(format!("{main} : aucun élément XML"))),
    }
}

/// The title in the package's core properties (`dc:title`), when it has one.
pub(crate) fn core_title(
    pkg: &mut Package<'_>,
    root_rels: &[Relationship],
) -> Result<Option<String>, Unreadable> {
    let core = target_of(root_rels, "core-properties").unwrap_or("docProps/core.xml");
    xml::first_element_text(pkg, core, "http://purl.org/dc/elements/1.1/", "title")
}

/// The relationships part of `source`: `dir/_rels/file.rels`.
fn rels_of(source: &str) -> String {
    match source.rsplit_once('/') {
        _ if source.is_empty() => "_rels/.rels".to_string(),
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{source}.rels"),
    }
}

/// The target of the first relationship of `kind`.
pub(crate) fn target_of<'r>(rels: &'r [Relationship], kind: &str) -> Option<&'r str> {
    rels.iter()
        .find(|r| r.kind == kind)
        .map(|r| r.target.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationships_live_beside_their_part() {
        assert_eq!(rels_of(""), "_rels/.rels");
        assert_eq!(
            rels_of("ppt/presentation.xml"),
            "ppt/_rels/presentation.xml.rels"
        );
        assert_eq!(rels_of("document.xml"), "_rels/document.xml.rels");
    }
}
