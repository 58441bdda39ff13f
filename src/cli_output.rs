//! What the commands print: JSON through serde, or lines for a person.
//!
//! Kept apart from `main.rs` so that it reads as arguments and dispatch;
//! the wording of the human output (French, like the rest of the CLI) is
//! all here.

use std::io::{IsTerminal, Write};

use maillage::graph::Evidence;
use maillage::pipeline::BuildReport;
use maillage::query::{
    AcronymEntry, DocumentDetail, DocumentSummary, EntityDetail, EntityList, Hit, SearchResponse,
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
    print_search_header(response)?;
    let marks = if std::io::stdout().is_terminal() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    for (i, hit) in response.hits.iter().enumerate() {
        print_hit(response.offset + i + 1, hit, marks)?;
    }
    Ok(())
}

/// What a search found, and what it searched besides the words typed.
fn print_search_header(response: &SearchResponse) -> anyhow::Result<()> {
    let shown = response
        .corrected_query
        .as_deref()
        .unwrap_or(&response.query);
    outln!(
        "{}{} pour « {} » ({:.1} ms){}",
        // Past the exact count the total is a lower bound.
        if response.total_is_lower_bound {
            "plus de "
        } else {
            ""
        },
        if response.hits.iter().any(|h| h.action.is_some()) {
            plural(response.total, "résultat", "résultats")
        } else {
            plural(response.total, "passage", "passages")
        },
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
    Ok(())
}

/// One hit, numbered `rank`, its matched words between `marks` (colours on a terminal).
fn print_hit(rank: usize, hit: &Hit, (on, off): (&str, &str)) -> anyhow::Result<()> {
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
    outln!("\n{:>3}. {}  [{}]", rank, hit.doc_title, about.join(" · "));
    if !hit.section.is_empty() {
        outln!("     {}", hit.section.join(" › "));
    }
    let readable = |html: &str| {
        let text = html
            .replace("<mark>", on)
            .replace("</mark>", off)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    if let Some(action) = &hit.action {
        outln!("     action [{action}]");
        for f in &hit.fields {
            outln!(
                "     {} : {}",
                f.field.as_deref().unwrap_or("texte"),
                readable(&f.snippet)
            );
        }
        if let Some(more) = hit.more_fields.filter(|&n| n > 0) {
            outln!("     … et {}", plural(more, "autre champ", "autres champs"));
        }
        return Ok(());
    }
    if let Some(field) = &hit.field {
        outln!("     {field}");
    }
    outln!("     {}", readable(&hit.snippet));
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

/// « Cornebarrieu (31150) » or nothing.
fn place(territory: Option<&maillage::Territory>) -> String {
    territory
        .map(|t| format!("{} ({})", t.name, t.code))
        .unwrap_or_else(|| "territoire inconnu".to_string())
}

fn print_action_line(a: &maillage::query::ActionSummary) -> anyhow::Result<()> {
    outln!("{}  —  {}", a.title, place(a.territory.as_ref()));
    let year = a.year.map(|y| format!(", {y}")).unwrap_or_default();
    outln!("    {}{year}  [{}]", a.doc_title, a.id);
    for (label, names) in [
        ("pilotes", &a.pilots),
        ("partenaires", &a.partners),
        ("financeurs", &a.funders),
        ("dispositifs", &a.dispositifs),
    ] {
        if !names.is_empty() {
            outln!("    {label} : {}", names.join(", "));
        }
    }
    Ok(())
}

pub(crate) fn print_actions(list: &maillage::query::ActionList) -> anyhow::Result<()> {
    outln!(
        "{} (affichées à partir de la {}e)",
        plural(list.total, "action", "actions"),
        list.offset + 1
    );
    for action in &list.actions {
        outln!();
        print_action_line(action)?;
    }
    Ok(())
}

pub(crate) fn print_action(
    detail: &maillage::query::ActionDetail,
    similar: &maillage::query::SimilarActions,
) -> anyhow::Result<()> {
    let a = &detail.action;
    if !a.path.is_empty() {
        outln!("{}", a.path.join(" › "));
    }
    print_action_line(a)?;
    for field in &detail.fields {
        outln!();
        match (&field.label, &field.heading) {
            (Some(label), _) => outln!("{label}"),
            (None, Some(heading)) => outln!("{heading}"),
            _ => {}
        }
        for line in field.text.lines() {
            outln!("  {line}");
        }
    }
    if !detail.entities.is_empty() {
        outln!();
        outln!("Entités nommées :");
        for e in &detail.entities {
            let roles: Vec<&str> = e.roles.iter().map(|r| r.label()).collect();
            outln!("  {} ({}) — {}", e.name, e.kind.as_str(), roles.join(", "));
        }
    }
    outln!();
    if similar.similar.is_empty() {
        outln!("Aucune action comparable dans un autre territoire.");
    } else {
        outln!("Actions comparables ailleurs :");
        for s in &similar.similar {
            outln!(
                "  {}  —  {}  [{}]",
                s.action.title,
                place(s.action.territory.as_ref()),
                s.action.id
            );
            outln!("      en commun : {}", s.reasons.join(", "));
        }
    }
    Ok(())
}

pub(crate) fn print_comparison(c: &maillage::query::Comparison) -> anyhow::Result<()> {
    outln!(
        "{} ({}) et {} ({}) : {} et {}",
        c.a.name,
        c.a.code,
        c.b.name,
        c.b.code,
        plural(c.documents_a, "document", "documents"),
        plural(c.documents_b, "document", "documents"),
    );
    for (title, list) in [
        ("Nommés par les deux", &c.both),
        (&*format!("Seulement {}", c.a.name), &c.only_a),
        (&*format!("Seulement {}", c.b.name), &c.only_b),
    ] {
        outln!();
        outln!("{title} ({})", list.len());
        for e in list.iter() {
            outln!(
                "  {} ({}) — {} / {} mentions, {} / {} actions",
                e.name,
                e.kind.as_str(),
                e.mentions_a,
                e.mentions_b,
                e.n_actions_a,
                e.n_actions_b
            );
        }
    }
    Ok(())
}
