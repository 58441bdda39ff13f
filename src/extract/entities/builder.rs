//! Building the catalog: gazetteer, then acronym definitions, then field items, then branches
//! named in running text, then every mention.
//!
//! The sources are read in this order, from the most to the least trusted, because each one
//! decides against what is already known: an acronym only renames an entity whose head noun
//! agrees, a field item is first looked up among known spellings, and a name that starts with a
//! known actor and goes on with a proper noun (`Mission Locale de Blagnac`) becomes a branch of
//! that actor rather than a stranger.

use std::collections::HashMap;

use rayon::prelude::*;

use super::fields::{label_prefix_len, split_field_items, FieldItem};
use super::mentions::{doc_mentions, FieldMention};
use super::names::{
    fold_text, is_function_word, is_sigle_like, kind_from_head, name_key, role_of_field,
    sigle_fits_long_form, slug,
};
use super::scan::Scanner;
use super::{Catalog, Entity, EntityKind, EntityMention};
use crate::{Document, Territory};

static GAZETTEER_TSV: &str = include_str!("../../../data/gazetteer.tsv");

/// An entity under construction, with what the final [`Entity`] does not keep.
struct Draft {
    entity: Entity,
    from_gazetteer: bool,
    /// Whether the entity's own aliases are searched for in running text.
    scan: bool,
}

struct Builder<'a> {
    drafts: Vec<Draft>,
    index_by_id: HashMap<String, usize>,
    index_by_key: HashMap<String, usize>,
    place_in_name: &'a (dyn Fn(&str) -> Option<Territory> + Sync),
}

impl Builder<'_> {
    fn lookup_key(&self, name: &str) -> Option<usize> {
        let key = name_key(name.trim_start_matches('='));
        if key.is_empty() {
            return None;
        }
        self.index_by_key.get(&key).copied()
    }

    fn add_alias(&mut self, index: usize, alias: &str) {
        let alias = alias.trim();
        let key = name_key(alias.trim_start_matches('='));
        if key.is_empty() {
            return;
        }
        self.index_by_key.entry(key).or_insert(index);
        let draft = &mut self.drafts[index];
        if !draft.entity.aliases.iter().any(|a| a == alias) && draft.entity.name != alias {
            draft.entity.aliases.push(alias.to_string());
        }
    }

    fn add_entity(
        &mut self,
        id_hint: &str,
        name: &str,
        kind: EntityKind,
        gazetteer: bool,
    ) -> usize {
        let base = slug(id_hint);
        let mut id = base.clone();
        let mut n = 2;
        while self.index_by_id.contains_key(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let index = self.drafts.len();
        self.drafts.push(Draft {
            entity: Entity {
                id: id.clone(),
                name: name.trim().to_string(),
                kind,
                aliases: Vec::new(),
                branch_of: None,
                place: None,
                formerly: Vec::new(),
                mentions: Vec::new(),
            },
            from_gazetteer: gazetteer,
            scan: true,
        });
        self.index_by_id.insert(id, index);
        let key = name_key(name);
        if !key.is_empty() {
            self.index_by_key.entry(key).or_insert(index);
        }
        index
    }

    fn load_gazetteer(&mut self) {
        for line in GAZETTEER_TSV.lines() {
            if line.trim().is_empty() || line.starts_with('#') || line.starts_with("id\t") {
                continue;
            }
            let columns: Vec<&str> = line.split('\t').collect();
            let (Some(id), Some(name), Some(kind)) =
                (columns.first(), columns.get(1), columns.get(2))
            else {
                continue;
            };
            let kind = EntityKind::parse(kind).unwrap_or(EntityKind::Autre);
            let index = self.add_entity(id, name, kind, true);
            for alias in columns.get(3).unwrap_or(&"").split('|') {
                self.add_alias(index, alias);
            }
            for former in columns.get(4).unwrap_or(&"").split('|') {
                let former = former.trim();
                if !former.is_empty() {
                    self.add_alias(index, former);
                    self.drafts[index].entity.formerly.push(former.to_string());
                }
            }
            self.drafts[index].scan = columns.get(5).map(|s| s.trim()) != Some("no");
        }
    }

    /// The longest gazetteer entity whose key is a whole-word prefix of `name`'s key, when what
    /// follows looks like a proper noun: `Mission Locale Haute-Garonne` → `mission-locale`.
    fn branch_parent(&self, name: &str) -> Option<usize> {
        let key = name_key(name);
        let words: Vec<&str> = key.split(' ').collect();
        for n_prefix in (1..words.len()).rev() {
            let prefix = words[..n_prefix].join(" ");
            if let Some(&index) = self.index_by_key.get(&prefix) {
                if !self.drafts[index].from_gazetteer {
                    continue;
                }
                // The rest of the name must hold a capital (a place, a proper name).
                let n_folded_prefix_words = n_prefix;
                let rest_has_capital = name
                    .split(|c: char| c.is_whitespace() || c == '-' || c == '\'' || c == '’')
                    .filter(|w| !w.is_empty() && !is_function_word(&fold_text(w)))
                    .skip(n_folded_prefix_words)
                    .any(|w| w.chars().next().is_some_and(char::is_uppercase));
                if rest_has_capital {
                    return Some(index);
                }
            }
        }
        None
    }

    fn add_branch(&mut self, parent: usize, name: &str, sigle: Option<&str>) -> usize {
        let kind = self.drafts[parent].entity.kind;
        let index = self.add_entity(name, name, kind, false);
        self.drafts[index].entity.branch_of = Some(self.drafts[parent].entity.id.clone());
        self.add_alias(index, name);
        if let Some(sigle) = sigle {
            self.add_alias(index, sigle);
        }
        index
    }

    fn add_acronyms(&mut self, acronyms: &[(String, String)]) {
        for (sigle, long_form) in acronyms {
            let (sigle, long_form) = (sigle.trim(), long_form.trim());
            if sigle.is_empty() || long_form.is_empty() || !sigle_fits_long_form(sigle, long_form) {
                continue;
            }
            match (self.lookup_key(sigle), self.lookup_key(long_form)) {
                (Some(_), Some(_)) => {}
                (None, Some(index)) => self.add_alias(index, sigle),
                (Some(index), None) => {
                    // Same sigle, other words: only an alias when the head noun agrees, so that a
                    // local `CEJ` = `Contrat d'engagement jeune` does not rename `CEJ`.
                    let entity_key = name_key(&self.drafts[index].entity.name);
                    let long_key = name_key(long_form);
                    if entity_key.split(' ').next() == long_key.split(' ').next() {
                        self.add_alias(index, long_form);
                    }
                }
                (None, None) => {
                    if let Some(parent) = self.branch_parent(long_form) {
                        self.add_branch(parent, long_form, Some(sigle));
                    } else if let Some(kind) = kind_from_head(long_form) {
                        let name = capitalize_first(long_form);
                        let index = self.add_entity(sigle, &name, kind, false);
                        self.add_alias(index, sigle);
                        self.add_alias(index, &name);
                    }
                }
            }
        }
    }

    /// Known entities named inside a longer item, by greedy longest word n-grams:
    /// `MLS Education nationale` → MLS, Éducation nationale; `ALAE maternelle` → ALAE. A single
    /// word only counts when written as a sigle or exactly as one of the entity's spellings.
    fn known_parts(&self, name: &str) -> Vec<usize> {
        let words: Vec<&str> = name
            .split(|c: char| c.is_whitespace() || c == '-' || c == '–' || c == '/')
            .filter(|w| !w.is_empty())
            .collect();
        let mut found = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut advanced = false;
            for n in (1..=(words.len() - i).min(8)).rev() {
                let phrase = words[i..i + n].join(" ");
                let Some(index) = self.lookup_key(&phrase) else {
                    continue;
                };
                if n == 1 {
                    let word = words[i];
                    let entity = &self.drafts[index].entity;
                    let exact = entity.name == word
                        || entity
                            .aliases
                            .iter()
                            .any(|a| a.trim_start_matches('=') == word);
                    if !is_sigle_like(word) && !exact {
                        continue;
                    }
                }
                if !found.contains(&index) {
                    found.push(index);
                }
                i += n;
                advanced = true;
                break;
            }
            if !advanced {
                i += 1;
            }
        }
        found
    }

    /// Finds or creates the entities a field item names (usually one).
    fn resolve_field_item(&mut self, item: &FieldItem) -> Vec<usize> {
        let known_whole = self.lookup_key(&item.name).is_some()
            || item
                .sigle
                .as_deref()
                .and_then(|s| self.lookup_key(s))
                .is_some();
        if !known_whole && item.sigle.is_none() && !item.association {
            let parts = self.known_parts(&item.name);
            let is_branch = self.branch_parent(&item.name).is_some_and(|parent| {
                // A branch names a place or a proper name after its parent; otherwise the item
                // is a list that lost its commas (`Maison des ados Ville`).
                let rest_is_place = (self.place_in_name)(&item.name).is_some();
                rest_is_place && parts.first() == Some(&parent)
            });
            if !parts.is_empty() && !is_branch {
                return parts;
            }
        }
        vec![self.resolve_field_item_single(item)]
    }

    fn resolve_field_item_single(&mut self, item: &FieldItem) -> usize {
        if let Some(index) = self.lookup_key(&item.name) {
            if let Some(sigle) = &item.sigle {
                if self.lookup_key(sigle).is_none() {
                    self.add_alias(index, sigle);
                }
            }
            return index;
        }
        if let Some(index) = item.sigle.as_deref().and_then(|s| self.lookup_key(s)) {
            // `Mission Locale Haute-Garonne (MLHG)` when MLHG is already known by its sigle.
            if !self.drafts[index].from_gazetteer
                || item
                    .sigle
                    .as_deref()
                    .is_some_and(|s| sigle_fits_long_form(s, &item.name))
            {
                self.add_alias(index, &item.name);
                return index;
            }
        }
        if let Some(parent) = self.branch_parent(&item.name) {
            return self.add_branch(parent, &item.name, item.sigle.as_deref());
        }
        self.add_field_entity(item)
    }

    fn add_field_entity(&mut self, item: &FieldItem) -> usize {
        let kind = if item.association {
            EntityKind::Association
        } else if let Some(kind) = kind_from_head(&item.name) {
            kind
        } else if is_sigle_like(&item.name) {
            EntityKind::Organisation
        } else {
            EntityKind::Autre
        };
        let index = self.add_entity(&item.name, &item.name, kind, false);
        self.add_alias(index, &item.name);
        if let Some(sigle) = &item.sigle {
            self.add_alias(index, sigle);
        }
        index
    }
}

fn capitalize_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Catalog {
    /// Builds the catalog of a corpus. `acronyms` are `(sigle, long form)` pairs found in the
    /// documents; `place_in_name` finds the territory named in an actor's name
    /// (`Mission Locale de Blagnac` → Blagnac), and decides which free-text names are branches.
    /// Mentions point at documents by their index in `docs`.
    pub fn build(
        docs: &[Document],
        acronyms: &[(String, String)],
        place_in_name: &(dyn Fn(&str) -> Option<Territory> + Sync),
    ) -> Catalog {
        let mut builder = Builder {
            drafts: Vec::new(),
            index_by_id: HashMap::new(),
            index_by_key: HashMap::new(),
            place_in_name,
        };
        builder.load_gazetteer();
        builder.add_acronyms(acronyms);

        // Field items, per document.
        // Resolving an item may add an entity, so documents are read in order.
        let mut field_mentions: Vec<Vec<FieldMention>> = Vec::with_capacity(docs.len());
        for doc in docs {
            let mut found_in_doc = Vec::new();
            for passage in &doc.passages {
                let Some(label) = passage.field.as_deref() else {
                    continue;
                };
                let Some(role) = role_of_field(label) else {
                    continue;
                };
                let text = doc.passage_text(passage);
                let skip = label_prefix_len(text, label);
                let body: String = text.chars().skip(skip).collect();
                let items = {
                    let known = |name: &str| builder.lookup_key(name).is_some();
                    split_field_items(&body, &known)
                };
                for item in items {
                    for entity in builder.resolve_field_item(&item) {
                        found_in_doc.push((
                            passage.id,
                            passage.start + skip + item.start,
                            passage.start + skip + item.end,
                            entity,
                            role,
                        ));
                    }
                }
            }
            field_mentions.push(found_in_doc);
        }

        find_free_text_branches(&mut builder, docs);

        // Mentions everywhere: documents are scanned in parallel, then their mentions are
        // appended in corpus order.
        let mut patterns = Vec::new();
        for (index, draft) in builder.drafts.iter().enumerate() {
            if !draft.scan {
                continue;
            }
            patterns.push((index, draft.entity.name.clone()));
            for alias in &draft.entity.aliases {
                patterns.push((index, alias.clone()));
            }
        }
        let scanner = Scanner::new(patterns);
        let per_document: Vec<Vec<(usize, EntityMention)>> = docs
            .par_iter()
            .zip(field_mentions.par_iter())
            .enumerate()
            .map(|(doc_index, (doc, fields))| doc_mentions(&scanner, doc_index, doc, fields))
            .collect();
        for mentions in per_document {
            for (entity, mention) in mentions {
                builder.drafts[entity].entity.mentions.push(mention);
            }
        }

        let place_in_name = builder.place_in_name;
        let mut entities: Vec<Entity> = Vec::with_capacity(builder.drafts.len());
        for draft in builder.drafts {
            let mut entity = draft.entity;
            if !draft.from_gazetteer {
                entity.place = place_in_name(&entity.name);
            }
            entity.mentions.sort_by_key(|m| (m.doc, m.start));
            entities.push(entity);
        }
        Catalog {
            entities,
            index_by_id: builder.index_by_id,
            index_by_key: builder.index_by_key,
        }
    }
}

/// Finds `<known actor> [de|du|d'|de la] <Proper Noun>` in running text where the proper noun
/// names a place (`la Mission Locale de Blagnac`, `CCAS de Cornebarrieu`), and records each as a
/// branch of the actor, so it is matched whole in the mention pass.
fn find_free_text_branches(builder: &mut Builder, docs: &[Document]) {
    let mut patterns = Vec::new();
    for (index, draft) in builder.drafts.iter().enumerate() {
        if !draft.from_gazetteer || draft.entity.kind == EntityKind::Dispositif {
            continue;
        }
        patterns.push((index, draft.entity.name.clone()));
        for alias in &draft.entity.aliases {
            patterns.push((index, alias.clone()));
        }
    }
    let scanner = Scanner::new(patterns);
    let place_in_name = builder.place_in_name;
    let candidates: Vec<(usize, String, Option<String>)> = docs
        .par_iter()
        .flat_map_iter(|doc| {
            let text = doc.text.as_str();
            let mut found_here = Vec::new();
            for found in scanner.scan(text) {
                if let Some((tail_end, sigle)) = proper_noun_tail_in_text(text, found.end_byte) {
                    let tail = &text[found.end_byte..tail_end];
                    if place_in_name(tail.trim()).is_some() {
                        let name = text[found.start_byte..tail_end]
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ");
                        found_here.push((found.entity, name, sigle));
                    }
                }
            }
            found_here
        })
        .collect();
    for (parent, name, sigle) in candidates {
        match builder.lookup_key(&name) {
            Some(existing) if existing != parent => {
                if let Some(sigle) = sigle {
                    if builder.lookup_key(&sigle).is_none() {
                        builder.add_alias(existing, &sigle);
                    }
                }
            }
            Some(_) => {}
            None => {
                let sigle = sigle.filter(|s| builder.lookup_key(s).is_none());
                builder.add_branch(parent, &name, sigle.as_deref());
            }
        }
    }
}

/// [`proper_noun_tail`] on the text itself: `from` and the end returned are byte offsets.
fn proper_noun_tail_in_text(text: &str, from: usize) -> Option<(usize, Option<String>)> {
    let bytes = text.as_bytes();
    let char_at = |pos: usize| -> Option<char> { text.get(pos..)?.chars().next() };
    let is_name_char = |c: char| c.is_alphanumeric() || c == '-' || c == '\'' || c == '’';
    let mut i = from;
    // One space, not a line break: a name does not continue on the next line.
    if bytes.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    // The connectors are at most six chars: the eight chars read before are enough.
    for connector in ["de la ", "de l'", "de l’", "des ", "de ", "du ", "d'", "d’"] {
        if text[i..].starts_with(connector) {
            i += connector.len();
            break;
        }
    }
    let mut end = None;
    let mut n_words = 0;
    while n_words < 4 {
        let first = char_at(i)?;
        if !first.is_uppercase() {
            break;
        }
        let word_len = text[i..]
            .char_indices()
            .find(|&(_, c)| !is_name_char(c))
            .map_or(text.len() - i, |(offset, _)| offset);
        let j = i + word_len;
        // An all-capital word is a sigle or a shouted heading, not a place name.
        let word = &text[i..j];
        if is_sigle_like(word) && word.chars().count() > 1 && n_words == 0 {
            break;
        }
        end = Some(j);
        n_words += 1;
        if bytes.get(j) == Some(&b' ') && char_at(j + 1).is_some_and(char::is_uppercase) {
            i = j + 1;
        } else {
            break;
        }
    }
    let end = end?;
    // `(MLHG)` right after.
    let mut sigle = None;
    if bytes.get(end) == Some(&b' ') && bytes.get(end + 1) == Some(&b'(') {
        let inside_start = end + 2;
        let close = text[inside_start..]
            .chars()
            .take(12)
            .scan(0, |offset, c| {
                let at = *offset;
                *offset += c.len_utf8();
                Some((at, c))
            })
            .find(|&(_, c)| c == ')')
            .map(|(at, _)| at);
        if let Some(close) = close {
            let inside = &text[inside_start..inside_start + close];
            if is_sigle_like(inside) {
                sigle = Some(inside.to_string());
            }
        }
    }
    Some((end, sigle))
}

/// After char `from`: an optional ` de `, ` du `, ` d'`, ` de la `, ` des ` then one to four
/// capitalized words (hyphenated words count as one). Returns the end of the run and a following
/// `(SIGLE)`, if any.
#[cfg(test)]
fn proper_noun_tail(chars: &[char], from: usize) -> Option<(usize, Option<String>)> {
    let mut i = from;
    // One space, not a line break: a name does not continue on the next line.
    if chars.get(i) != Some(&' ') {
        return None;
    }
    i += 1;
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    for connector in ["de la ", "de l'", "de l’", "des ", "de ", "du ", "d'", "d’"] {
        if rest.starts_with(connector) {
            i += connector.chars().count();
            break;
        }
    }
    let mut end = None;
    let mut n_words = 0;
    while n_words < 4 {
        let first = *chars.get(i)?;
        if !first.is_uppercase() {
            break;
        }
        let mut j = i;
        while j < chars.len()
            && (chars[j].is_alphanumeric()
                || chars[j] == '-'
                || chars[j] == '\''
                || chars[j] == '’')
        {
            j += 1;
        }
        // An all-capital word is a sigle or a shouted heading, not a place name.
        let word: String = chars[i..j].iter().collect();
        if is_sigle_like(&word) && word.chars().count() > 1 && n_words == 0 {
            break;
        }
        end = Some(j);
        n_words += 1;
        if chars.get(j) == Some(&' ') && chars.get(j + 1).is_some_and(|c| c.is_uppercase()) {
            i = j + 1;
        } else {
            break;
        }
    }
    let end = end?;
    // `(MLHG)` right after.
    let mut sigle = None;
    if chars.get(end) == Some(&' ') && chars.get(end + 1) == Some(&'(') {
        let close = chars[end + 2..chars.len().min(end + 14)]
            .iter()
            .position(|c| *c == ')');
        if let Some(close) = close {
            let inside: String = chars[end + 2..end + 2 + close].iter().collect();
            if is_sigle_like(&inside) {
                sigle = Some(inside);
            }
        }
    }
    Some((end, sigle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::entities::tests::{build, commune, make_doc};
    use crate::extract::Role;

    #[test]
    fn proper_noun_tails_read_on_bytes_agree_with_chars() {
        let mut texts: Vec<String> = vec![
            "la Mission Locale de Blagnac (MLB) et".into(),
            "CCAS d’Alès-Agglo Sud Ouest Nord Est (CCASAS)".into(),
            "CAF de la Haute-Garonne".into(),
            "x é De La Ville (Émile) ".into(),
            "a  B".into(),
            "a (".into(),
            "A B (CDEFGHIJKLMNOP)".into(),
        ];
        for file in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/corpus"))
            .expect("corpus folder")
            .filter_map(Result::ok)
        {
            texts.push(std::fs::read_to_string(file.path()).unwrap_or_default());
        }
        for text in &texts {
            let chars: Vec<char> = text.chars().collect();
            for (char_index, (byte, _)) in text.char_indices().enumerate() {
                let by_chars = proper_noun_tail(&chars, char_index)
                    .map(|(end, sigle)| (chars[char_index..end].iter().collect::<String>(), sigle));
                let by_bytes = proper_noun_tail_in_text(text, byte)
                    .map(|(end, sigle)| (text[byte..end].to_string(), sigle));
                assert_eq!(by_chars, by_bytes, "at {char_index} in {text:.40}");
            }
        }
    }

    #[test]
    fn fields_give_roles_and_branches() {
        let text = "PILOTES\nVille de Cornebarrieu – Elus, Service Jeunesse\n\nPARTENAIRES\nMission Locale Haute-Garonne (MLHG), CPAM, Maison des Ados, ALAE maternelle, PAJ Education nationale\n\nDes permanences de la Mission Locale de Blagnac sur la ville. La MLHG aussi.";
        let doc = make_doc("cornebarrieu", text, Some(commune("Cornebarrieu", "31150")));
        let catalog = build(&[doc], &[("MLHG", "Mission Locale")]);

        let mlhg = catalog.lookup("MLHG").expect("MLHG known");
        assert_eq!(mlhg.name, "Mission Locale Haute-Garonne");
        assert_eq!(mlhg.branch_of.as_deref(), Some("mission-locale"));
        assert_eq!(mlhg.place.as_ref().map(|p| p.code.as_str()), Some("31"));
        let roles: Vec<Role> = mlhg.mentions.iter().map(|m| m.role).collect();
        assert_eq!(roles, vec![Role::Partner, Role::Mention]);

        let blagnac = catalog
            .lookup("Mission Locale de Blagnac")
            .expect("free-text branch");
        assert_eq!(blagnac.branch_of.as_deref(), Some("mission-locale"));
        assert_eq!(
            blagnac.place.as_ref().map(|p| p.name.as_str()),
            Some("Blagnac")
        );

        let ville = catalog.lookup("Ville de Cornebarrieu").expect("pilot");
        assert_eq!(ville.branch_of.as_deref(), Some("commune"));
        assert_eq!(ville.mentions[0].role, Role::Pilot);

        assert!(catalog
            .lookup("Maison des Ados")
            .is_some_and(|e| e.id == "maison-ados"));
        let cpam = catalog.get("cpam").expect("cpam");
        assert_eq!(cpam.mentions[0].role, Role::Partner);
        assert_eq!(cpam.mentions[0].doc, 0);
        assert_eq!(cpam.mentions[0].passage, Some(1), "the PARTENAIRES passage");
        assert!(catalog.lookup("Elus").is_none());
        assert!(
            catalog.lookup("ALAE maternelle").is_none(),
            "a known structure, not a new one"
        );
        assert!(catalog.lookup("PAJ Education nationale").is_none());
        for id in ["alae", "paj", "education-nationale"] {
            let roles: Vec<Role> = catalog
                .get(id)
                .map(|e| e.mentions.iter().map(|m| m.role).collect())
                .unwrap_or_default();
            assert_eq!(roles, vec![Role::Partner], "{id}");
        }

        let family: Vec<&str> = catalog
            .with_branches("mission-locale")
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(family.len(), 3, "{family:?}");
        assert_eq!(family[0], "mission-locale");
    }

    #[test]
    fn acronym_definitions_add_entities_only_for_actor_head_nouns() {
        let doc = make_doc("d1", "Le SIAM forme. Les AESH accompagnent.", None);
        let catalog = build(
            &[doc],
            &[
                (
                    "SIAM",
                    "Service pour l'inclusion en accueil collectif de mineurs",
                ),
                ("AESH", "Accompagnant d'élèves en situation de handicap"),
                ("CLAS", "Contrat local d'accompagnement à la scolarité"),
            ],
        );
        let siam = catalog.lookup("SIAM").expect("SIAM is a service");
        assert_eq!(siam.kind, EntityKind::Structure);
        assert_eq!(siam.mentions.len(), 1);
        assert!(catalog.lookup("AESH").is_none());
        assert_eq!(catalog.lookup("CLAS").map(|e| e.id.as_str()), Some("clas"));
    }
}
