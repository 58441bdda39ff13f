//! The Open Packaging Conventions that Word, PowerPoint and Excel files share: parts
//! found through relationships, rather than at fixed names, since producers name them
//! as they like (`word/document2.xml`, `ppt/slides/slide12.xml`).

use quick_xml::events::Event;

use super::types::Unreadable;
use super::xml::{self, attr};
use super::zipread::{resolve_target, Package};

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
pub(crate) fn root_element(
    pkg: &mut Package<'_>,
    part: &str,
) -> Result<Option<String>, Unreadable> {
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

/// What a package whose main part is the root element `root` holds, for a reader given
/// the wrong kind (`None` for an unknown one).
pub(crate) fn kind_of(root: &str) -> Option<&'static str> {
    match root {
        "document" => Some("document Word"),
        "presentation" => Some("présentation PowerPoint"),
        "workbook" => Some("classeur Excel"),
        _ => None,
    }
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
