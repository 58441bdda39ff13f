//! What the commands print: JSON through serde, or lines for a person.
//!
//! Kept apart from `main.rs` so that it reads as arguments and dispatch;
//! the wording of the human output (French, like the rest of the CLI) is
//! all here.

use std::io::{IsTerminal, Write};

use maillage::graph::Evidence;
use maillage::pipeline::BuildReport;
use maillage::query::{
    AcronymEntry, DocumentDetail, DocumentSummary, EntityDetail, EntityList, SearchResponse,
    TerritoryList,
};
use maillage::DocumentRef;
use serde::Serialize;

/// `println!` that returns an error instead of panicking when stdout is
/// closed (`maillage acronyms | head`).
macro_rules! outln {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout(), $($arg)*)?
    };
}
pub(crate) use outln;

pub(crate) fn print_json<T: Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// `value` as JSON when `json`, else as `human` prints it.
pub(crate) fn show<T: Serialize + ?Sized>(
    value: &T,
    json: bool,
    human: fn(&T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    if json {
        print_json(value)
    } else {
        human(value)
    }
}

/// `n` and the noun, singular for 0 and 1 as French has it.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n > 1 { many } else { one })
}

pub(crate) fn print_build_report(report: &BuildReport) -> anyhow::Result<()> {
    outln!(
        "{} indexé{} ({:.1} ko) : {} sections, {} passages, {} sigles, {} entités, graphe de {} nœuds et {} liens",
        plural(report.n_documents, "document", "documents"),
        if report.n_documents > 1 { "s" } else { "" },
        report.n_bytes as f64 / 1000.0,
        report.n_sections,
        report.n_passages,
        report.n_acronyms,
        report.n_entities,
        report.n_graph_nodes,
        report.n_graph_edges
    );
    for (doc_id, bytes) in &report.read {
        outln!("  lu      {doc_id} ({bytes} octets)");
    }
    for s in &report.skipped {
        outln!("  écarté  {} : {}", s.file, s.reason);
    }
    outln!(
        "en {:.0} ms ; index dans {}",
        report.elapsed.as_secs_f64() * 1000.0,
        report.index.display()
    );
    Ok(())
}

pub(crate) fn print_search(response: &SearchResponse) -> anyhow::Result<()> {
    let color = std::io::stdout().is_terminal();
    let (on, off) = if color {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    let shown = response
        .corrected_query
        .as_deref()
        .unwrap_or(&response.query);
    outln!(
        "{} pour « {} » ({:.1} ms){}",
        plural(response.total, "passage", "passages"),
        shown,
        response.took_ms,
        if response.relaxed {
            ", sans tous les mots ensemble"
        } else {
            ""
        }
    );
    for c in &response.corrections {
        outln!(
            "  « {} » cherché aussi comme « {} » (--exact pour ne chercher que ce qui est tapé)",
            c.from,
            c.to
        );
    }
    if !response.expansions.is_empty() {
        outln!("  cherché aussi : {}", response.expansions.join(", "));
    }
    if let Some(t) = &response.territory {
        let included: Vec<&str> = response
            .territories_included
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        outln!(
            "  territoire : {} ({}) — plans retenus : {}",
            t.name,
            t.code,
            if included.is_empty() {
                "aucun".to_string()
            } else {
                included.join(", ")
            }
        );
    }
    for (i, hit) in response.hits.iter().enumerate() {
        let mut about = Vec::new();
        if let Some(t) = &hit.territory {
            about.push(t.name.clone());
        }
        if let Some(k) = &hit.kind {
            about.push(k.clone());
        }
        if let Some(y) = hit.year {
            about.push(y.to_string());
        }
        outln!(
            "\n{:>3}. {}  [{}]",
            response.offset + i + 1,
            hit.doc_title,
            about.join(" · ")
        );
        if !hit.section.is_empty() {
            outln!("     {}", hit.section.join(" › "));
        }
        if let Some(field) = &hit.field {
            outln!("     {field}");
        }
        let snippet = hit
            .snippet
            .replace("<mark>", on)
            .replace("</mark>", off)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        outln!(
            "     {}",
            snippet.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    Ok(())
}

pub(crate) fn print_documents(docs: &[DocumentSummary]) -> anyhow::Result<()> {
    for d in docs {
        let territory = d.territory.as_ref().map(|t| t.name.as_str()).unwrap_or("?");
        let kind = d.kind_label.as_deref().unwrap_or("?");
        let year = d.year.map(|y| y.to_string()).unwrap_or_else(|| "?".into());
        outln!(
            "{}\n    {} · {} · {} · {} · {} sections, {} passages",
            d.doc_id,
            d.title,
            territory,
            kind,
            year,
            d.sections,
            d.passages
        );
    }
    Ok(())
}

pub(crate) fn print_document(detail: &DocumentDetail) -> anyhow::Result<()> {
    outln!("{}  ({})", detail.summary.title, detail.summary.doc_id);
    for s in &detail.outline {
        outln!("{}{}", "  ".repeat(s.depth + 1), s.heading);
    }
    if !detail.entities.is_empty() {
        outln!("\nEntités :");
        for e in &detail.entities {
            outln!(
                "  {} ({})",
                e.name,
                plural(e.mentions, "mention", "mentions")
            );
        }
    }
    Ok(())
}

pub(crate) fn print_acronyms(glossary: &[AcronymEntry]) -> anyhow::Result<()> {
    for e in glossary {
        let defs: Vec<&str> = e.definitions.iter().map(|d| d.text.as_str()).collect();
        let defs = if defs.is_empty() {
            match &e.entity {
                Some(known) => {
                    format!("({} — référentiel, non défini ici)", known.name)
                }
                None => "(non défini)".to_string(),
            }
        } else {
            defs.join(" | ")
        };
        outln!("{:<8} {}  [{} documents]", e.abbr, defs, e.docs.len());
    }
    Ok(())
}

pub(crate) fn print_acronym(entry: &AcronymEntry) -> anyhow::Result<()> {
    outln!("{}", entry.abbr);
    for d in &entry.definitions {
        let times = if d.count > 1 {
            format!(" ×{}", d.count)
        } else {
            String::new()
        };
        outln!("  {}{times}", d.text);
        outln!("      source : {}", with_id(&d.document));
    }
    if entry.docs.is_empty() {
        return Ok(());
    }
    outln!(
        "  utilisé dans {} :",
        plural(entry.docs.len(), "document", "documents")
    );
    for doc in &entry.docs {
        outln!("    {}", with_id(doc));
    }
    Ok(())
}

/// A cited document as a person reads it, with its id in brackets to paste into
/// `maillage document ID`.
fn with_id(doc: &DocumentRef) -> String {
    if doc.title_or_id() == doc.doc_id {
        doc.to_string()
    } else {
        format!("{doc}  [{}]", doc.doc_id)
    }
}

/// Up to `max` excerpts, under the document they come from (named once for excerpts of
/// the same document in a row).
fn print_evidence(evidence: &[Evidence], max: usize, indent: &str) -> anyhow::Result<()> {
    let mut previous: Option<&str> = None;
    for e in evidence.iter().take(max) {
        if previous != Some(e.document.doc_id.as_str()) {
            outln!("{indent}{}", with_id(&e.document));
            previous = Some(e.document.doc_id.as_str());
        }
        let place = if e.section.is_empty() {
            String::new()
        } else {
            format!("{} : ", e.section.join(" › "))
        };
        outln!("{indent}  {place}{}", e.text);
    }
    Ok(())
}

pub(crate) fn print_entities(list: &EntityList) -> anyhow::Result<()> {
    if list.total > list.entities.len() {
        outln!(
            "{} entités sur {} (--limit pour en voir plus)",
            list.entities.len(),
            list.total
        );
    }
    for e in &list.entities {
        outln!(
            "{:<40} {}  {} dans {}",
            e.name,
            e.kind.as_str(),
            plural(e.mentions, "mention", "mentions"),
            plural(e.documents, "document", "documents")
        );
    }
    Ok(())
}

/// Documents an entity's page lists before saying how many more there are.
const ENTITY_DOCUMENTS_SHOWN: usize = 20;

pub(crate) fn print_entity(detail: &EntityDetail) -> anyhow::Result<()> {
    outln!("{} ({})", detail.name, detail.kind.as_str());
    if !detail.aliases.is_empty() {
        outln!("  aussi : {}", detail.aliases.join(", "));
    }
    for d in &detail.definitions {
        outln!("  définition : {} — {}", d.text, d.document);
    }
    for t in &detail.territories {
        let roles: Vec<&str> = t.roles.iter().map(|r| r.label()).collect();
        outln!(
            "  {} ({}) : {}",
            t.territory.name,
            t.territory.code,
            roles.join(", ")
        );
        print_evidence(&t.evidence, 2, "      ")?;
    }
    let more = detail.territories_total - detail.territories.len();
    if more > 0 {
        outln!("  … et {more} autres territoires (maillage territories --entity)");
    }
    if !detail.documents.is_empty() {
        outln!(
            "  cité dans {} :",
            plural(detail.documents.len(), "document", "documents")
        );
        for doc in detail.documents.iter().take(ENTITY_DOCUMENTS_SHOWN) {
            outln!("    {}", with_id(doc));
        }
        let more = detail
            .documents
            .len()
            .saturating_sub(ENTITY_DOCUMENTS_SHOWN);
        if more > 0 {
            outln!(
                "    … et {} (--json pour la liste)",
                plural(more, "autre", "autres")
            );
        }
    }
    Ok(())
}

pub(crate) fn print_territories(list: &TerritoryList) -> anyhow::Result<()> {
    outln!(
        "{} : {}{}",
        list.entity.name,
        plural(list.total, "territoire", "territoires"),
        if list.territories.len() < list.total {
            format!(", {} affichés", list.territories.len())
        } else {
            String::new()
        }
    );
    for t in &list.territories {
        let roles: Vec<&str> = t.roles.iter().map(|r| r.label()).collect();
        outln!(
            "{} ({}, {}) : {}",
            t.territory.name,
            t.territory.code,
            t.territory.kind.label(),
            roles.join(", ")
        );
        print_evidence(&t.evidence, 3, "    ")?;
    }
    Ok(())
}
