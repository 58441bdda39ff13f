//! Actors, dispositifs and structures named in the plans, gathered into one catalog.
//!
//! Plans name the same actor in many ways (`Pôle emploi`, `POLE EMPLOI`, `France Travail`;
//! `Missions Locales`; `Mission Locale Haute-Garonne (MLHG)`), so a question such as "which towns
//! partner with the Mission locale" only works once every spelling leads to one entity. Three
//! sources feed the catalog, from the most to the least trusted:
//!
//! 1. a curated gazetteer of general French social-policy actors (`data/gazetteer.tsv`), which
//!    also merges renamed bodies into their successor (Pôle emploi → France Travail, RAM → RPE);
//! 2. the acronym definitions found in the corpus (given as plain `(sigle, long form)` pairs),
//!    kept only when the letters of the sigle fit the long form and the long form starts with a
//!    head noun that names an actor (`Centre…`, `Contrat…`, not `Accompagnant…`);
//! 3. the items of PILOTES / PARTENAIRES / STRUCTURE PORTEUSE / FINANCEMENTS fields, split on list
//!    separators; vague items (`Associations…`, `Ecoles`, `Elus`, see
//!    `data/entity_vague_items.txt`) and all-lowercase phrases that the gazetteer does not know
//!    are dropped, because they name nobody in particular.
//!
//! A name that starts with a known actor and goes on with a proper noun (`Mission Locale de
//! Blagnac`, `CAF de la Haute-Garonne`) becomes a separate entity linked by `branch_of`. Mentions
//! are then found everywhere with one Aho-Corasick pass over folded text (case and accents
//! removed, one folded char per source char so offsets stay exact): short sigles only match in
//! capitals and never inside a word; longer names match in any case and in the plural.

use std::collections::{HashMap, HashSet};

use once_cell::sync::Lazy;
use serde::{Deserialize, Serialize};
use unicode_normalization::char::decompose_canonical;

use rayon::prelude::*;

use super::Role;
use crate::{Document, Territory};

/// What sort of thing an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum EntityKind {
    /// An institution or body: CAF, Conseil départemental, Mission locale, a commune.
    Organisation,
    /// A programme, contract or scheme: CLAS, PEDT, Garantie jeunes, Contrat de ville.
    Dispositif,
    /// A facility or service open to the public: EAJE, PAJ, ALAE, médiathèque.
    Structure,
    /// A named association.
    Association,
    /// Anything else named as an actor.
    Autre,
}

impl EntityKind {
    /// Stable machine name, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Organisation => "organisation",
            EntityKind::Dispositif => "dispositif",
            EntityKind::Structure => "structure",
            EntityKind::Association => "association",
            EntityKind::Autre => "autre",
        }
    }

    /// Every kind, in the order they are listed to people.
    pub const ALL: [EntityKind; 5] = [
        EntityKind::Organisation,
        EntityKind::Dispositif,
        EntityKind::Structure,
        EntityKind::Association,
        EntityKind::Autre,
    ];

    /// Parses the machine name back (also accepts plurals and any case).
    pub fn parse(s: &str) -> Option<EntityKind> {
        Some(match s.trim().to_lowercase().trim_end_matches('s') {
            "organisation" | "organization" => EntityKind::Organisation,
            "dispositif" => EntityKind::Dispositif,
            "structure" => EntityKind::Structure,
            "association" => EntityKind::Association,
            "autre" | "other" => EntityKind::Autre,
            _ => return None,
        })
    }
}

/// One actor, dispositif or structure, with every place it is named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable slug (`mission-locale`, `france-travail`, `mission-locale-de-blagnac`).
    pub id: String,
    /// Canonical name (current name for renamed bodies).
    pub name: String,
    pub kind: EntityKind,
    /// Every known spelling: sigles, long forms, former names.
    pub aliases: Vec<String>,
    /// The general entity this one is a local branch of (`mission-locale`).
    pub branch_of: Option<String>,
    /// The territory named in the entity's name, for branches and local actors.
    pub place: Option<Territory>,
    /// Former names (also in `aliases`): `Pôle emploi` for France Travail.
    pub formerly: Vec<String>,
    /// Every mention, in document order.
    pub mentions: Vec<EntityMention>,
}

/// One place an entity is named, with the role the surrounding field gives it.
///
/// Compact on purpose (a national corpus names actors millions of times): the document is
/// its index in the corpus the catalog was built from, the text is a span of that document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityMention {
    pub role: Role,
    /// Index of the document in the corpus given to [`Catalog::build`].
    pub doc: u32,
    /// Index of the passage holding the mention, when one does.
    pub passage: Option<u32>,
    /// Character offsets of the mention in the document's text.
    pub start: u32,
    pub end: u32,
}

impl std::str::FromStr for EntityKind {
    type Err = crate::Error;

    /// [`EntityKind::parse`], with an error that lists the kinds.
    fn from_str(s: &str) -> Result<EntityKind, crate::Error> {
        EntityKind::parse(s).ok_or_else(|| crate::Error::InvalidParameter {
            name: "kind",
            message: format!(
                "`{}` n'est pas un genre d'entité ({})",
                s.trim(),
                EntityKind::ALL.map(EntityKind::as_str).join(", ")
            ),
        })
    }
}

/// Similarity (1 − edits / length) from which a name is offered as "did you mean".
const SIMILAR_NAME: f64 = 0.75;

/// All entities of a corpus, with lookup by id and by any spelling.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Catalog {
    entities: Vec<Entity>,
    index_by_id: HashMap<String, usize>,
    index_by_key: HashMap<String, usize>,
}

static GAZETTEER_TSV: &str = include_str!("../../data/gazetteer.tsv");
static VAGUE_ITEMS_TXT: &str = include_str!("../../data/entity_vague_items.txt");
static HEADS_TSV: &str = include_str!("../../data/entity_heads.tsv");

/// Words ignored when comparing names (`Centre communal d'action sociale` = `Centre communal de
/// l'action sociale`).
const FUNCTION_WORDS: &[&str] = &[
    "l", "d", "de", "du", "des", "la", "le", "les", "et", "ou", "a", "au", "aux", "en", "pour",
    "sur", "un", "une", "par", "dans",
];

static VAGUE_ITEM_KEYS: Lazy<HashSet<String>> = Lazy::new(|| {
    VAGUE_ITEMS_TXT
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(name_key)
        .collect()
});

static HEAD_KINDS: Lazy<HashMap<String, EntityKind>> = Lazy::new(|| {
    HEADS_TSV
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let mut columns = line.split('\t');
            let head = columns.next()?.trim();
            let kind = EntityKind::parse(columns.next()?)?;
            Some((name_key(head), kind))
        })
        .collect()
});

// ---------------------------------------------------------------------------------------------
// Folding and name keys
// ---------------------------------------------------------------------------------------------

/// Folds one char to lower case without accent; dashes and all white space become a space,
/// typographic apostrophes a straight one. Always exactly one char out, so offsets are kept.
pub fn fold_char(c: char) -> char {
    match FOLDED_LATIN.get(c as usize) {
        Some(&folded) => folded,
        None => fold_char_slow(c),
    }
}

/// [`fold_char`] by the Unicode tables.
fn fold_char_slow(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => ' ',
        c if c.is_whitespace() => ' ',
        c => {
            let mut base = None;
            decompose_canonical(c, |d| {
                if base.is_none() {
                    base = Some(d);
                }
            });
            let base = base.unwrap_or(c);
            base.to_lowercase().next().unwrap_or(base)
        }
    }
}

/// [`fold_char`] of U+0000 to U+024F (ASCII and the accented Latin letters), computed once:
/// nearly every char of a French text.
static FOLDED_LATIN: Lazy<Vec<char>> = Lazy::new(|| {
    (0..0x250u32)
        .map(|code| char::from_u32(code).map_or('\0', fold_char_slow))
        .collect()
});

fn fold_text(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

fn is_function_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(&word)
}

/// `missions` → `mission`, `sociaux` → `social`; short words (sigles such as `CCAS`) untouched.
fn depluralize(word: &str) -> String {
    let n_chars = word.chars().count();
    if n_chars >= 5 && word.ends_with("eaux") {
        word[..word.len() - 1].to_string()
    } else if n_chars >= 5 && word.ends_with("aux") {
        format!("{}al", &word[..word.len() - 3])
    } else if n_chars >= 5 && word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

/// The plural of a folded word: `locale` → `locales`, `communal` → `communaux`.
fn pluralize_word(word: &str) -> String {
    if word.ends_with(['s', 'x', 'z']) {
        word.to_string()
    } else if word.ends_with("al") && word.chars().count() >= 4 {
        format!("{}aux", &word[..word.len() - 2])
    } else if word.ends_with("eau") {
        format!("{word}x")
    } else {
        format!("{word}s")
    }
}

/// The comparison key of a name: folded, punctuation and function words removed, singular.
/// `Missions Locales` and `mission locale` share the key `mission locale`.
pub fn name_key(name: &str) -> String {
    let folded: String = name
        .chars()
        .map(|c| {
            let f = fold_char(c);
            if f.is_alphanumeric() {
                f
            } else {
                ' '
            }
        })
        .collect();
    folded
        .split_whitespace()
        .filter(|word| !is_function_word(word))
        .map(depluralize)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `CAF`, `MLHG`, `DDETS-PP`: one word, at least two letters, every letter a capital.
fn is_sigle_like(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !s.chars().any(char::is_whitespace)
        && letters.len() >= 2
        && s.chars().count() <= 10
        && letters.iter().all(|c| c.is_uppercase())
}

/// Short one-word aliases (`CAF`, `Ofii`, `Cir`) would match ordinary words in lower case.
fn needs_exact_case(alias: &str) -> bool {
    alias.starts_with('=')
        || (!alias.trim().contains(char::is_whitespace)
            && (is_sigle_like(alias) || alias.chars().count() <= 4))
}

/// True when the letters of `sigle` can be read, in order, in `long_form`, starting with its first
/// letter: `MLHG` fits `Mission Locale Haute-Garonne`, not `Mission Locale`.
fn sigle_fits_long_form(sigle: &str, long_form: &str) -> bool {
    let sigle_letters: Vec<char> = fold_text(sigle)
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    let long_letters: Vec<char> = fold_text(long_form)
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    let (Some(first_sigle), Some(first_long)) = (sigle_letters.first(), long_letters.first())
    else {
        return false;
    };
    if first_sigle != first_long || sigle_letters.len() < 2 {
        return false;
    }
    let mut long_iter = long_letters.iter();
    sigle_letters
        .iter()
        .all(|letter| long_iter.any(|candidate| candidate == letter))
}

fn slug(name: &str) -> String {
    let folded = fold_text(name);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "entite".to_string()
    } else {
        out
    }
}

/// The kind a long form's first content word suggests (`Centre…` → structure), if any.
fn kind_from_head(name: &str) -> Option<EntityKind> {
    let key = name_key(name);
    let head = key.split(' ').next()?;
    HEAD_KINDS.get(head).copied()
}

/// Maps a field label (`PILOTES`, `Structure porteuse`, `Financements`, `PARTENAIRES`) to the role
/// an actor named in it plays; `None` for fields that give no role (`MOYENS`, `INDICATEURS`).
pub fn role_of_field(label: &str) -> Option<Role> {
    let key = name_key(label);
    if key.starts_with("moyen") || key.starts_with("cout") || key.starts_with("budget") {
        return None;
    }
    if key.contains("financ") {
        Some(Role::Funder)
    } else if key.starts_with("partenai") || key.starts_with("partenariat") {
        Some(Role::Partner)
    } else if key.starts_with("pilot") || key.contains("porteu") || key.starts_with("portage") {
        Some(Role::Pilot)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Field splitting
// ---------------------------------------------------------------------------------------------

/// One item of a PILOTES / PARTENAIRES field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldItem {
    /// The name, cleaned of articles, `association` prefixes and a trailing `(SIGLE)`.
    pub name: String,
    /// The sigle given in parentheses after the name, if any.
    pub sigle: Option<String>,
    /// The item was introduced as an association (`Associations partenaires : les Outsiders`).
    pub association: bool,
    /// Char offsets of the item in the field text.
    pub start: usize,
    pub end: usize,
}

fn is_split_char(chars: &[char], i: usize) -> bool {
    match chars[i] {
        '\n' | '\r' | '\t' | ',' | ';' | '/' | '•' | '·' | '|' | '–' | '—' | ':' | '+' => {
            true
        }
        '-' => {
            let before = i.checked_sub(1).and_then(|j| chars.get(j));
            let after = chars.get(i + 1);
            matches!(before, Some(c) if c.is_whitespace())
                && matches!(after, Some(c) if c.is_whitespace())
        }
        _ => false,
    }
}

const LEADING_ARTICLES: &[&str] = &[
    "les ",
    "la ",
    "le ",
    "l'",
    "l’",
    "des ",
    "un ",
    "une ",
    "d'",
    "d’",
    "de ",
    "du ",
    "autres ",
    "notamment ",
    "ex ",
    "ex. ",
];

/// Splits a field's text into items. `is_known` tells whether a name is a known actor: a segment
/// is only split on ` et ` when both halves are known (`CAF et CPAM`), never in
/// `Direction des Solidarités et de la Petite Enfance`.
pub fn split_field_items(text: &str, is_known: &dyn Fn(&str) -> bool) -> Vec<FieldItem> {
    let chars: Vec<char> = text.chars().collect();
    let mut segments: Vec<(usize, usize, char)> = Vec::new(); // start, end, separator after
    let mut depth = 0usize;
    let mut start = 0usize;
    for i in 0..chars.len() {
        match chars[i] {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if chars[i] == '\n' {
            depth = 0;
        }
        if depth == 0 && is_split_char(&chars, i) {
            segments.push((start, i, chars[i]));
            start = i + 1;
        }
    }
    segments.push((start, chars.len(), '\n'));

    let mut items = Vec::new();
    let mut association_prefix = false;
    for (seg_start, seg_end, separator) in segments {
        let raw: String = chars[seg_start..seg_end].iter().collect();
        if separator == ':' {
            // `Associations partenaires : les Outsiders`: the label sets the kind of what follows.
            association_prefix = name_key(&raw).starts_with("association");
            continue;
        }
        for (piece_start, piece) in split_on_et(&raw, is_known) {
            if let Some(mut item) = clean_field_item(&piece, is_known) {
                item.association |= association_prefix;
                item.start += seg_start + piece_start;
                item.end += seg_start + piece_start;
                items.push(item);
            }
        }
        if separator == '\n' || separator == '\r' {
            association_prefix = false;
        }
    }
    items
}

/// Splits `A et B` when both sides are known actors; returns (char offset, piece).
fn split_on_et(segment: &str, is_known: &dyn Fn(&str) -> bool) -> Vec<(usize, String)> {
    if let Some(byte_pos) = segment.find(" et ") {
        let left = &segment[..byte_pos];
        let right = &segment[byte_pos + 4..];
        if is_known(left.trim()) && is_known(right.trim()) {
            let right_char_start = segment[..byte_pos + 4].chars().count();
            return vec![(0, left.to_string()), (right_char_start, right.to_string())];
        }
    }
    vec![(0, segment.to_string())]
}

fn is_trim_char(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | '…' | '*' | '-' | '«' | '»' | '"' | '“' | '”' | '!' | '?'
        )
}

fn clean_field_item(piece: &str, is_known: &dyn Fn(&str) -> bool) -> Option<FieldItem> {
    let leading = piece.chars().take_while(|c| is_trim_char(*c)).count();
    let mut name: String = piece.trim_matches(is_trim_char).to_string();
    let start = leading;
    let end = start + name.chars().count();

    // A trailing parenthesis: a sigle becomes an alias, anything else is dropped.
    let mut sigle = None;
    if let (Some(open), true) = (name.find('('), name.ends_with(')')) {
        let inside = name[open + 1..name.len() - 1].trim().to_string();
        let short_word = inside.chars().count() <= 6 && !inside.contains(' ');
        if !inside.is_empty() && (is_sigle_like(&inside) || short_word) {
            sigle = Some(inside);
        }
        name = name[..open].trim_matches(is_trim_char).to_string();
    } else if let Some(open) = name.find('(') {
        name = name[..open].trim_matches(is_trim_char).to_string();
    }

    // Leading articles and `association` before a proper name.
    let mut association = false;
    loop {
        let lower = name.to_lowercase();
        let mut changed = false;
        for article in LEADING_ARTICLES {
            if lower.starts_with(article) && lower.len() > article.len() {
                name = name[article.len()..].trim_start().to_string();
                changed = true;
                break;
            }
        }
        for prefix in ["associations ", "association "] {
            if lower.starts_with(prefix) {
                let rest = name[prefix.len()..].trim_start();
                if rest.chars().next().is_some_and(char::is_uppercase) {
                    name = rest.to_string();
                    association = true;
                    changed = true;
                }
                break;
            }
        }
        if !changed {
            break;
        }
    }
    let name = name.trim_matches(is_trim_char).to_string();
    let key = name_key(&name);
    if key.is_empty() || !name.chars().any(char::is_alphabetic) {
        return None;
    }
    let n_words = name.split_whitespace().count();
    if n_words > 8 || name.chars().count() > 90 {
        return None;
    }
    let known = is_known(&name) || sigle.as_deref().is_some_and(is_known);
    if !known {
        if VAGUE_ITEM_KEYS.contains(&key) {
            return None;
        }
        // An unknown phrase in lower case (`acteurs de l'emploi`, `Coordinatrice administrative
        // et petite enfance`) describes rather than names; a proper name has a capital inside,
        // is a sigle, or is one word (`Arpade`).
        let has_inner_capital = name.chars().skip(1).any(char::is_uppercase);
        if n_words > 1 && !has_inner_capital && !association && sigle.is_none() {
            return None;
        }
        // A phrase starting in lower case (`référents des CLAS…`) describes a role.
        if !name.chars().next().is_some_and(char::is_uppercase) && !association {
            return None;
        }
        // A lone adverb (`Éventuellement`, `Notamment`) is a note, not a name.
        if n_words == 1 && key.ends_with("ment") && sigle.is_none() {
            return None;
        }
    }
    Some(FieldItem {
        name,
        sigle,
        association,
        start,
        end,
    })
}

// ---------------------------------------------------------------------------------------------
// Building the catalog
// ---------------------------------------------------------------------------------------------

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

/// One searchable spelling of an entity.
struct ScanPattern {
    entity: usize,
    /// The alias as written (without the `=` marker), for the exact-case check.
    alias: String,
    /// The alias in capitals, also accepted by the exact-case check.
    alias_upper: String,
    exact_case: bool,
}

/// The folded patterns for an alias: itself, and for case-insensitive names the plural of the
/// words before the first function word (`missions locales`, `centres communaux d'action…`).
fn alias_variants(alias: &str) -> Vec<String> {
    let folded = fold_text(alias.trim_start_matches('='));
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut variants = vec![folded.clone()];
    if !needs_exact_case(alias) {
        let mut plural_words = Vec::new();
        let mut in_head = true;
        for word in folded.split(' ') {
            if in_head && !is_function_word(word) && !word.contains('\'') && word.len() >= 2 {
                plural_words.push(pluralize_word(word));
            } else {
                in_head = false;
                plural_words.push(word.to_string());
            }
        }
        let plural = plural_words.join(" ");
        if plural != folded {
            variants.push(plural);
        }
    }
    variants
}

/// A match of a pattern in a document, in chars and in bytes.
#[derive(Debug, Clone, Copy)]
struct TextMatch {
    start: usize,
    end: usize,
    start_byte: usize,
    end_byte: usize,
    entity: usize,
}

/// The folded patterns in a trie over their UTF-8 bytes, with dense transitions over the few
/// bytes patterns use. Matches must start and end on a word boundary, so the text is walked
/// from word starts only, folding as it goes: no folded copy of the text, and most walks stop
/// after a char or two.
struct Trie {
    /// Byte → its class (0: no pattern has that byte).
    class_of: [u8; 256],
    n_classes: usize,
    /// `next[node * n_classes + class]`: the child, or 0 (the root is never a child).
    next: Vec<u32>,
    /// Patterns ending at each node, by increasing index: `ends[node]` is a range of `ids`.
    ends: Vec<(u32, u32)>,
    ids: Vec<u32>,
}

impl Trie {
    fn new(patterns: &[String]) -> Trie {
        // UTF-8 never uses 13 of the 256 byte values, so the classes fit a byte.
        let mut class_of = [0u8; 256];
        let mut n_classes = 1;
        for pattern in patterns {
            for &b in pattern.as_bytes() {
                if class_of[usize::from(b)] == 0 {
                    class_of[usize::from(b)] = n_classes as u8;
                    n_classes += 1;
                }
            }
        }
        let mut next = vec![0u32; n_classes];
        let mut ends_of: Vec<Vec<u32>> = vec![Vec::new()];
        for (id, pattern) in patterns.iter().enumerate() {
            let mut node = 0usize;
            for &b in pattern.as_bytes() {
                let slot = node * n_classes + usize::from(class_of[usize::from(b)]);
                node = match next[slot] {
                    0 => {
                        let child = ends_of.len();
                        ends_of.push(Vec::new());
                        next.resize(next.len() + n_classes, 0);
                        next[slot] = child as u32;
                        child
                    }
                    child => child as usize,
                };
            }
            ends_of[node].push(id as u32);
        }
        let mut ends = Vec::with_capacity(ends_of.len());
        let mut ids = Vec::new();
        for list in ends_of {
            let first = ids.len() as u32;
            ids.extend(list);
            ends.push((first, ids.len() as u32));
        }
        Trie {
            class_of,
            n_classes,
            next,
            ends,
            ids,
        }
    }

    /// The node after reading `bytes` from `node`, if any.
    #[inline]
    fn step(&self, mut node: usize, bytes: &[u8]) -> Option<usize> {
        for &b in bytes {
            let class = self.class_of[usize::from(b)];
            if class == 0 {
                return None;
            }
            node = self.next[node * self.n_classes + usize::from(class)] as usize;
            if node == 0 {
                return None;
            }
        }
        Some(node)
    }
}

/// The char at byte `pos` of `text` (which must be a char boundary) and its length.
#[inline]
fn char_at(text: &str, pos: usize) -> (char, usize) {
    let b = text.as_bytes()[pos];
    if b.is_ascii() {
        (char::from(b), 1)
    } else {
        let c = text[pos..].chars().next().unwrap_or('\0');
        (c, c.len_utf8())
    }
}

#[inline]
fn is_alphanumeric_at(text: &str, pos: usize) -> bool {
    let b = text.as_bytes()[pos];
    if b.is_ascii() {
        b.is_ascii_alphanumeric()
    } else {
        crate::analysis::folding::is_alphanumeric(char_at(text, pos).0)
    }
}

struct Scanner {
    trie: Option<Trie>,
    patterns: Vec<ScanPattern>,
}

impl Scanner {
    fn new(patterns_in: Vec<(usize, String)>) -> Scanner {
        let mut patterns = Vec::new();
        let mut folded_patterns = Vec::new();
        let mut seen = HashSet::new();
        for (entity, alias) in patterns_in {
            let exact_case = needs_exact_case(&alias);
            let clean_alias = alias.trim_start_matches('=').trim().to_string();
            for variant in alias_variants(&alias) {
                if variant.chars().count() < 2
                    || !seen.insert((entity, variant.clone(), exact_case))
                {
                    continue;
                }
                folded_patterns.push(variant);
                patterns.push(ScanPattern {
                    entity,
                    alias_upper: clean_alias.to_uppercase(),
                    alias: clean_alias.clone(),
                    exact_case,
                });
            }
        }
        let trie = (!folded_patterns.is_empty()).then(|| Trie::new(&folded_patterns));
        Scanner { trie, patterns }
    }

    /// Every match in `text` that starts and ends on a word boundary (no letter or digit right
    /// before nor right after), longest first where they overlap, in text order. `starts` are
    /// the text's [`WordStarts`].
    fn scan(&self, text: &str, starts: &WordStarts) -> Vec<TextMatch> {
        let Some(trie) = &self.trie else {
            return Vec::new();
        };
        let latin = &*FOLDED_LATIN;
        let bytes = text.as_bytes();
        // The class of each ASCII byte once folded.
        let mut ascii_class = [0u8; 128];
        for (b, class) in ascii_class.iter_mut().enumerate() {
            let folded = latin[b];
            if folded.is_ascii() {
                *class = trie.class_of[folded as usize];
            }
        }
        let mut candidates = Vec::new();
        let mut utf8 = [0u8; 4];
        for &(start, start_char) in &starts.positions {
            let (pos, char_index) = (start as usize, start_char as usize);
            // Walk the trie from here, one folded char at a time.
            let mut node = 0;
            let mut end = pos;
            let mut end_char = char_index;
            while end < bytes.len() {
                let b = bytes[end];
                let (child, len) = if b.is_ascii() {
                    let class = ascii_class[usize::from(b)];
                    if class == 0 {
                        break;
                    }
                    let child = trie.next[node * trie.n_classes + usize::from(class)] as usize;
                    (child, 1)
                } else {
                    let (c, len) = char_at(text, end);
                    let folded = match latin.get(c as usize) {
                        Some(&f) => f,
                        None => fold_char_slow(c),
                    };
                    let child = trie
                        .step(node, folded.encode_utf8(&mut utf8).as_bytes())
                        .unwrap_or(0);
                    (child, len)
                };
                if child == 0 {
                    break;
                }
                node = child;
                end += len;
                end_char += 1;
                let (first, last) = trie.ends[node];
                if first < last && (end == bytes.len() || !is_alphanumeric_at(text, end)) {
                    let surface = &text[pos..end];
                    for &id in &trie.ids[first as usize..last as usize] {
                        let Some(pattern) = self.patterns.get(id as usize) else {
                            continue;
                        };
                        if pattern.exact_case
                            && surface != pattern.alias
                            && surface != pattern.alias_upper
                        {
                            continue;
                        }
                        candidates.push(TextMatch {
                            start: char_index,
                            end: end_char,
                            start_byte: pos,
                            end_byte: end,
                            entity: pattern.entity,
                        });
                    }
                }
            }
        }
        candidates.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(a.start.cmp(&b.start))
        });
        let mut taken = vec![false; starts.n_chars];
        let mut kept = Vec::new();
        for candidate in candidates {
            if taken[candidate.start..candidate.end].iter().any(|t| *t) {
                continue;
            }
            taken[candidate.start..candidate.end]
                .iter_mut()
                .for_each(|t| *t = true);
            kept.push(candidate);
        }
        kept.sort_by_key(|m| m.start);
        kept
    }
}

/// Where a match may start in a text: every char with no letter or digit right before it, as
/// (byte, char) offsets; and the text's length in chars. Found once per text, for both scans.
struct WordStarts {
    positions: Vec<(u32, u32)>,
    n_chars: usize,
}

impl WordStarts {
    fn new(text: &str) -> WordStarts {
        let bytes = text.as_bytes();
        let mut positions = Vec::new();
        let mut n_chars = 0usize;
        let mut previous_is_alphanumeric = false;
        let mut pos = 0;
        while pos < bytes.len() {
            let b = bytes[pos];
            let (len, alphanumeric) = if b.is_ascii() {
                (1, b.is_ascii_alphanumeric())
            } else {
                let (c, len) = char_at(text, pos);
                (len, crate::analysis::folding::is_alphanumeric(c))
            };
            if !previous_is_alphanumeric {
                positions.push((pos as u32, n_chars as u32));
            }
            previous_is_alphanumeric = alphanumeric;
            n_chars += 1;
            pos += len;
        }
        WordStarts { positions, n_chars }
    }
}

/// The passage holding char `offset`, if any.
fn passage_at(doc: &Document, offset: usize) -> Option<usize> {
    let after = doc.passages.partition_point(|p| p.start <= offset);
    doc.passages[..after]
        .iter()
        .rev()
        .take(8)
        .find(|p| p.start <= offset && offset < p.end)
        .map(|p| p.id)
        .filter(|id| *id < doc.passages.len())
        .or_else(|| {
            doc.passages[..after]
                .iter()
                .rposition(|p| p.start <= offset && offset < p.end)
        })
}

/// The mention of a span, with the role its passage's field gives; `roles` holds
/// [`role_of_field`] of each passage's field.
fn mention_at(
    doc_index: usize,
    doc: &Document,
    start: usize,
    end: usize,
    roles: &[Option<Role>],
) -> EntityMention {
    let passage = passage_at(doc, start);
    let role = passage
        .and_then(|index| roles.get(index).copied().flatten())
        .unwrap_or(Role::Mention);
    EntityMention {
        role,
        doc: doc_index as u32,
        passage: passage.map(|p| p as u32),
        start: start as u32,
        end: end as u32,
    }
}

/// Skips a leading copy of the field label in a passage (`PARTENAIRES Mission locale…`, as in
/// table cells); returns the char offset where the items start.
fn label_prefix_len(text: &str, label: &str) -> usize {
    let folded_label = fold_text(label);
    let folded_label = folded_label.trim();
    let folded_text = fold_text(text);
    let trimmed = folded_text.trim_start();
    let leading = folded_text.chars().count() - trimmed.chars().count();
    if !folded_label.is_empty() && trimmed.starts_with(folded_label) {
        let rest = &trimmed[folded_label.len()..];
        let rest_chars = rest.chars().take_while(|c| *c == ' ' || *c == ':').count();
        leading + folded_label.chars().count() + rest_chars
    } else {
        0
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

    /// Every entity, gazetteer entries without mentions included.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entity with that id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.index_by_id.get(id).and_then(|&i| self.entities.get(i))
    }

    /// Any alias, sigle, long form, case/accent/plural-insensitive -> the entity.
    pub fn lookup(&self, name: &str) -> Option<&Entity> {
        if let Some(entity) = self.get(name.trim()) {
            return Some(entity);
        }
        let key = name_key(name);
        self.index_by_key
            .get(&key)
            .and_then(|&i| self.entities.get(i))
    }

    /// Search entities by partial name (for an autocomplete / list endpoint), optional kind
    /// filter. Exact names first, then prefixes, then words starting with the query, then any
    /// substring; ties go to the most mentioned. An empty query lists the most mentioned.
    pub fn search(&self, q: &str, kind: Option<EntityKind>, limit: usize) -> Vec<&Entity> {
        let query_key = name_key(q);
        let query_folded = fold_text(q)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut scored: Vec<(u8, &Entity)> = Vec::new();
        for entity in &self.entities {
            if kind.is_some_and(|k| k != entity.kind) {
                continue;
            }
            let score = if query_folded.is_empty() {
                if entity.mentions.is_empty() {
                    continue;
                }
                3
            } else {
                let mut best = u8::MAX;
                for name in std::iter::once(&entity.name).chain(entity.aliases.iter()) {
                    let name_folded = fold_text(name.trim_start_matches('='));
                    let score = if !query_key.is_empty() && name_key(name) == query_key {
                        0
                    } else if name_folded.starts_with(&query_folded) {
                        1
                    } else if name_folded
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|w| w.starts_with(&query_folded))
                    {
                        2
                    } else if name_folded.contains(&query_folded) {
                        3
                    } else {
                        u8::MAX
                    };
                    best = best.min(score);
                }
                if best == u8::MAX {
                    continue;
                }
                best
            };
            scored.push((score, entity));
        }
        scored.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.mentions.len().cmp(&a.1.mentions.len()))
                .then(a.1.name.cmp(&b.1.name))
        });
        scored.into_iter().take(limit).map(|(_, e)| e).collect()
    }

    /// Entities whose name or an alias is spelled close to `q` ("Mision Locale" → Mission
    /// Locale), closest first: a "did you mean" for a name that matches nothing.
    pub fn similar(&self, q: &str, limit: usize) -> Vec<&Entity> {
        let wanted = fold_text(q)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if wanted.chars().count() < 3 {
            return Vec::new();
        }
        let mut scored: Vec<(f64, &Entity)> = Vec::new();
        for entity in &self.entities {
            let best = std::iter::once(&entity.name)
                .chain(entity.aliases.iter())
                .map(|name| {
                    let folded = fold_text(name.trim_start_matches('='))
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    strsim::normalized_levenshtein(&folded, &wanted)
                })
                .fold(0.0, f64::max);
            if best >= SIMILAR_NAME {
                scored.push((best, entity));
            }
        }
        scored.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(b.1.mentions.len().cmp(&a.1.mentions.len()))
                .then(a.1.name.cmp(&b.1.name))
        });
        scored.into_iter().take(limit).map(|(_, e)| e).collect()
    }

    /// The entity and its branches (`Mission Locale` -> + `Mission Locale de Blagnac`, MLHG),
    /// the entity first. Empty when the id is unknown.
    pub fn with_branches(&self, id: &str) -> Vec<&Entity> {
        let Some(root) = self.get(id) else {
            return Vec::new();
        };
        let mut out = vec![root];
        let mut seen: HashSet<&str> = HashSet::from([root.id.as_str()]);
        let mut cursor = 0;
        while cursor < out.len() {
            let parent_id = out[cursor].id.clone();
            for entity in &self.entities {
                if entity.branch_of.as_deref() == Some(parent_id.as_str())
                    && seen.insert(entity.id.as_str())
                {
                    out.push(entity);
                }
            }
            cursor += 1;
        }
        out
    }
}

/// A field item resolved to an entity: (passage, start char, end char, entity, role).
type FieldMention = (usize, usize, usize, usize, Role);

/// The mentions of one document: every match of the scanner, then the field items the scan
/// did not see (text reflowed by the structure stage), once per passage. In a role field,
/// `Mission Locale Haute-Garonne (MLHG)` is one mention, not two.
fn doc_mentions(
    scanner: &Scanner,
    doc_index: usize,
    doc: &Document,
    fields: &[FieldMention],
) -> Vec<(usize, EntityMention)> {
    let text = doc.text.as_str();
    // The role each passage's field gives, asked once per passage.
    let roles: Vec<Option<Role>> = doc
        .passages
        .iter()
        .map(|p| p.field.as_deref().and_then(role_of_field))
        .collect();
    let mut out = Vec::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new(); // start, entity
    let mut in_passage: HashSet<(usize, u32)> = HashSet::new(); // entity, passage
    for found in scanner.scan(text, &WordStarts::new(text)) {
        let mention = mention_at(doc_index, doc, found.start, found.end, &roles);
        if mention.role != Role::Mention {
            if let Some(passage) = mention.passage {
                if !in_passage.insert((found.entity, passage)) {
                    continue;
                }
            }
        }
        seen.insert((found.start, found.entity));
        out.push((found.entity, mention));
    }
    if fields.is_empty() {
        return out;
    }
    for (entity, mention) in &out {
        if let Some(passage) = mention.passage {
            in_passage.insert((*entity, passage));
        }
    }
    for &(passage, start, end, entity, role) in fields {
        let passage_id = passage as u32;
        if in_passage.contains(&(entity, passage_id)) || seen.contains(&(start, entity)) {
            continue;
        }
        in_passage.insert((entity, passage_id));
        out.push((
            entity,
            EntityMention {
                role,
                doc: doc_index as u32,
                passage: Some(passage_id),
                start: start as u32,
                end: end as u32,
            },
        ));
    }
    out
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
            for found in scanner.scan(text, &WordStarts::new(text)) {
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
pub(crate) mod tests {
    use super::*;
    use crate::{Passage, Section, SectionKind, TerritoryKind};

    /// A document whose passages are its blank-line separated paragraphs; a paragraph whose
    /// first line is an upper-case label (`PARTENAIRES`) becomes a passage of that field.
    pub(crate) fn make_doc(doc_id: &str, text: &str, territory: Option<Territory>) -> Document {
        let mut passages = Vec::new();
        let chars: Vec<char> = text.chars().collect();
        let byte_of = |char_index: usize| -> usize {
            text.char_indices()
                .nth(char_index)
                .map_or(text.len(), |(byte, _)| byte)
        };
        let mut start = 0;
        let mut i = 0;
        while i <= chars.len() {
            let at_break =
                i == chars.len() || (chars[i] == '\n' && chars.get(i + 1) == Some(&'\n'));
            if at_break {
                let paragraph: String = chars[start..i].iter().collect();
                if !paragraph.trim().is_empty() {
                    let first_line = paragraph.lines().next().unwrap_or("").trim().to_string();
                    let is_label = !first_line.is_empty()
                        && first_line.chars().all(|c| !c.is_lowercase())
                        && paragraph.lines().count() > 1;
                    let (field, body_start) = if is_label {
                        (
                            Some(first_line.clone()),
                            start + first_line.chars().count() + 1,
                        )
                    } else {
                        (None, start)
                    };
                    passages.push(Passage {
                        id: passages.len(),
                        section: Some(0),
                        field,
                        start: body_start,
                        end: i,
                        byte_start: byte_of(body_start),
                        byte_end: byte_of(i),
                    });
                }
                start = i + 2;
                i += 2;
            } else {
                i += 1;
            }
        }
        Document {
            doc_id: doc_id.to_string(),
            title: doc_id.to_string(),
            text: text.to_string(),
            sections: vec![Section {
                id: 0,
                parent: None,
                depth: 0,
                kind: SectionKind::Action,
                number: Some("1".to_string()),
                heading: "Action 1 : Test".to_string(),
                start: 0,
                end: chars.len(),
            }],
            passages,
            territory,
            ..Default::default()
        }
    }

    /// The text of a mention, as written.
    pub(crate) fn surface(text: &str, mention: &EntityMention) -> String {
        text.chars()
            .skip(mention.start as usize)
            .take((mention.end - mention.start) as usize)
            .collect()
    }

    pub(crate) fn commune(name: &str, code: &str) -> Territory {
        Territory {
            name: name.to_string(),
            code: code.to_string(),
            kind: TerritoryKind::Commune,
        }
    }

    pub(crate) fn test_places(name: &str) -> Option<Territory> {
        let key = name_key(name);
        let places = [
            ("blagnac", commune("Blagnac", "31069")),
            ("cornebarrieu", commune("Cornebarrieu", "31150")),
            (
                "haute garonne",
                Territory {
                    name: "Haute-Garonne".into(),
                    code: "31".into(),
                    kind: TerritoryKind::Departement,
                },
            ),
        ];
        places
            .into_iter()
            .find(|(k, _)| {
                key.split(' ')
                    .collect::<Vec<_>>()
                    .windows(k.split(' ').count())
                    .any(|w| w.join(" ") == *k)
            })
            .map(|(_, t)| t)
    }

    fn names(items: &[FieldItem]) -> Vec<&str> {
        items.iter().map(|i| i.name.as_str()).collect()
    }

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
    fn name_key_folds_case_accents_plural_and_function_words() {
        assert_eq!(name_key("Missions Locales"), "mission locale");
        assert_eq!(name_key("Pôle-Emploi"), name_key("pole emploi"));
        assert_eq!(
            name_key("Centres communaux d’action sociale"),
            name_key("Centre communal d'action sociale")
        );
        assert_eq!(name_key("CCAS"), "ccas");
        assert_eq!(name_key("Bureaux"), "bureau");
        assert_eq!(name_key("Éducation nationales"), "education nationale");
    }

    #[test]
    fn role_of_field_reads_french_labels() {
        assert_eq!(role_of_field("PILOTES"), Some(Role::Pilot));
        assert_eq!(role_of_field("Structure porteuse"), Some(Role::Pilot));
        assert_eq!(role_of_field("PARTENAIRES"), Some(Role::Partner));
        assert_eq!(role_of_field("Financements"), Some(Role::Funder));
        assert_eq!(role_of_field("FINANCEURS"), Some(Role::Funder));
        assert_eq!(role_of_field("MOYENS FINANCIERS"), None);
        assert_eq!(role_of_field("INDICATEURS"), None);
    }

    #[test]
    fn splits_a_partenaires_field() {
        let known = |s: &str| {
            ["Education nationale", "CAF", "CPAM"]
                .iter()
                .any(|k| name_key(k) == name_key(s))
        };
        let items = split_field_items(
            "Mission Locale Haute-Garonne (MLHG), associations locale, autres acteurs jeunesse : Arpade",
            &known,
        );
        assert_eq!(
            names(&items),
            vec!["Mission Locale Haute-Garonne", "Arpade"]
        );
        assert_eq!(items[0].sigle.as_deref(), Some("MLHG"));

        let items = split_field_items(
            "Education nationale\nAssociations partenaires : les Outsiders",
            &known,
        );
        assert_eq!(names(&items), vec!["Education nationale", "Outsiders"]);
        assert!(items[1].association);
        assert!(!items[0].association);

        let items = split_field_items(
            "Éventuellement, référents des CLAS élémentaire et collège\nCAF",
            &known,
        );
        assert_eq!(names(&items), vec!["CAF"]);

        let items = split_field_items("Ville de Cornebarrieu – Elus, Service Jeunesse", &known);
        assert_eq!(
            names(&items),
            vec!["Ville de Cornebarrieu", "Service Jeunesse"]
        );

        let items = split_field_items(
            "CAF et CPAM / Education nationale – Ecoles, Associations...",
            &known,
        );
        assert_eq!(names(&items), vec!["CAF", "CPAM", "Education nationale"]);

        let items = split_field_items(
            "Direction des Solidarités et de la Petite Enfance, association Action formation insertion (Afi)",
            &known,
        );
        assert_eq!(
            names(&items),
            vec![
                "Direction des Solidarités et de la Petite Enfance",
                "Action formation insertion"
            ]
        );
        assert_eq!(items[1].sigle.as_deref(), Some("Afi"));
        assert!(items[1].association);
    }

    #[test]
    fn field_item_offsets_point_into_the_text() {
        let text = "CAMPS, PMI, Structures du territoire : EAJE";
        let items = split_field_items(text, &|s: &str| s == "PMI" || s == "EAJE");
        let chars: Vec<char> = text.chars().collect();
        for item in &items {
            let slice: String = chars[item.start..item.end].iter().collect();
            assert!(slice.contains(&item.name), "{slice} / {}", item.name);
        }
        assert_eq!(names(&items), vec!["CAMPS", "PMI", "EAJE"]);
    }

    #[test]
    fn sigle_must_fit_long_form() {
        assert!(sigle_fits_long_form("MLHG", "Mission Locale Haute-Garonne"));
        assert!(!sigle_fits_long_form("MLHG", "Mission Locale"));
        assert!(sigle_fits_long_form(
            "CLAS",
            "Contrat local d'accompagnement à la scolarité"
        ));
        assert!(!sigle_fits_long_form("CCAS", "relais emploi"));
    }

    fn build(docs: &[Document], acronyms: &[(&str, &str)]) -> Catalog {
        let acronyms: Vec<(String, String)> = acronyms
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        Catalog::build(docs, &acronyms, &test_places)
    }

    #[test]
    fn lookup_canonicalizes_plurals_renames_and_sigles() {
        let catalog = build(&[], &[]);
        let mission_locale = catalog.lookup("Missions Locales").map(|e| e.id.as_str());
        assert_eq!(mission_locale, Some("mission-locale"));
        assert_eq!(
            catalog.lookup("Pôle emploi").map(|e| e.id.as_str()),
            Some("france-travail")
        );
        assert_eq!(
            catalog.lookup("POLE EMPLOI").map(|e| e.name.as_str()),
            Some("France Travail")
        );
        assert_eq!(
            catalog.lookup("France Travail").map(|e| e.id.as_str()),
            Some("france-travail")
        );
        assert_eq!(catalog.lookup("RAM").map(|e| e.id.as_str()), Some("rpe"));
        assert_eq!(
            catalog
                .lookup("caisse d'allocations familiales")
                .map(|e| e.id.as_str()),
            Some("caf")
        );
        assert!(catalog.lookup("Association imaginaire").is_none());
        let france_travail = catalog.get("france-travail").expect("gazetteer row");
        assert!(france_travail.formerly.iter().any(|f| f == "Pôle emploi"));
    }

    #[test]
    fn short_sigles_match_only_in_capitals_and_whole_words() {
        let text =
            "La CAF finance. Une caf de quartier. CAFÉS des parents. Les ARSENAUX. L'ARS est là.";
        let catalog = build(&[make_doc("d1", text, None)], &[]);
        let caf = catalog.get("caf").expect("caf");
        assert_eq!(caf.mentions.len(), 1);
        assert_eq!(surface(text, &caf.mentions[0]), "CAF");
        let ars = catalog.get("ars").expect("ars");
        assert_eq!(ars.mentions.len(), 1);
        assert_eq!(surface(text, &ars.mentions[0]), "ARS");
    }

    #[test]
    fn long_names_match_in_any_case_and_plural() {
        let text =
            "Le réseau des Missions Locales et pole emploi.\n\nAvec la mission locale et POLE EMPLOI.";
        let catalog = build(&[make_doc("d1", text, None)], &[]);
        let ml = catalog.get("mission-locale").expect("ml");
        let surfaces: Vec<String> = ml.mentions.iter().map(|m| surface(text, m)).collect();
        assert_eq!(surfaces, vec!["Missions Locales", "mission locale"]);
        let ft = catalog.get("france-travail").expect("ft");
        assert_eq!(ft.mentions.len(), 2);
        assert_eq!(ft.mentions[0].start, 34);
        assert_eq!(ft.mentions[0].passage, Some(0));
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

    #[test]
    fn search_ranks_exact_then_prefix_and_filters_kind() {
        let doc = make_doc("d1", "La Mission locale et la Maison des ados.", None);
        let catalog = build(&[doc], &[]);
        let hits = catalog.search("missi", None, 5);
        assert_eq!(hits.first().map(|e| e.id.as_str()), Some("mission-locale"));
        let hits = catalog.search("maison", Some(EntityKind::Structure), 50);
        assert!(hits.iter().all(|e| e.kind == EntityKind::Structure));
        assert_eq!(hits.first().map(|e| e.id.as_str()), Some("maison-ados"));
        assert!(catalog.search("zzzz", None, 5).is_empty());
        assert_eq!(catalog.search("", None, 10).len(), 2);
    }

    #[test]
    fn never_panics_on_odd_text() {
        let text = "PARTENAIRES\n(((, ; – ’’ «» é\u{301} œuvre CAF) (\n\n\u{0}ÉÉ İstanbul ﬁ CAF";
        let doc = make_doc("odd", text, None);
        let catalog = build(&[doc], &[("", ""), ("É", "é")]);
        assert_eq!(catalog.get("caf").map(|e| e.mentions.len()), Some(2));
    }
}
