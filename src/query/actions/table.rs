//! Which sections are action sheets, and what each one names.
//!
//! Plans write their actions in several shapes: a fiche `ACTION : …` with its fields, an
//! `Action N` of a summary, an `Enjeu n°N` with its content, an objective column of a grid
//! (`1.2.5. …` with ORIENTATIONS and CAHIER DES CHARGES) whose `1.2.5.a` items are the
//! lines of one sheet. One rule, applied to the outline alone, turns them into one list:
//!
//! * a section of kind *action* with content is an action, unless it lies in one;
//! * an *enjeu* with content, or an *objectif* holding labelled fields itself, is an action
//!   when no action-kind section with content lies under it (then those are the actions);
//! * the outermost candidate wins; every section under an action belongs to it.
//!
//! A section without content (a bare title of a summary) is not a sheet. The table is built
//! once, on first use, from the document store and the catalog's mentions; it holds numbers
//! only (a few bytes per action and per entity named), so a national corpus keeps it small.

use crate::extract::entities::Catalog;
use crate::extract::Role;
use crate::model::SectionKind;
use crate::store::DocStore;

/// No action.
const NONE: u32 = u32::MAX;

/// One action sheet: a section of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ActionRow {
    pub doc: u32,
    pub section: u32,
}

/// An entity an action names: its index in the catalog, the roles it plays there (a set of
/// [`role_bit`]s) and how many times it is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Named {
    pub entity: u32,
    pub roles: u8,
    pub count: u32,
}

/// The bit of a role in [`Named::roles`].
pub(crate) fn role_bit(role: Role) -> u8 {
    match role {
        Role::Pilot => 1,
        Role::Partner => 2,
        Role::Funder => 4,
        Role::Mention => 8,
    }
}

/// The roles of a set of [`role_bit`]s, strongest first.
pub(crate) fn roles_of(bits: u8) -> Vec<Role> {
    [Role::Pilot, Role::Partner, Role::Funder, Role::Mention]
        .into_iter()
        .filter(|&r| bits & role_bit(r) != 0)
        .collect()
}

/// Every action of the corpus, in corpus order, with what it names.
#[derive(Debug, Default)]
pub(crate) struct ActionTable {
    pub rows: Vec<ActionRow>,
    /// Per document, the action of each section (`NONE`: outside any action).
    of_section: Vec<Vec<u32>>,
    /// Per action, the entities it names, by catalog index.
    pub named: Vec<Vec<Named>>,
    /// Per catalog entity, the actions naming it, in corpus order.
    pub naming: Vec<Vec<u32>>,
}

/// What the rule needs to know of a section.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SectionFacts {
    pub parent: Option<usize>,
    pub kind: SectionKind,
    /// A passage of its own beyond its heading.
    pub has_content: bool,
    /// A passage of its own under a field label.
    pub has_fields: bool,
}

/// The action of every section of one outline (`NONE`: none), by the rule above.
pub(crate) fn assign(sections: &[SectionFacts]) -> Vec<u32> {
    let n = sections.len();
    // Content and action-kind content in each subtree; children come after parents.
    let mut content = vec![false; n];
    let mut action_below = vec![false; n];
    for s in (0..n).rev() {
        content[s] |= sections[s].has_content;
        if sections[s].kind == SectionKind::Action && content[s] {
            action_below[s] = true;
        }
        if let Some(p) = sections[s].parent.filter(|&p| p < s) {
            content[p] |= content[s];
            action_below[p] |= action_below[s];
        }
    }
    let mut of = vec![NONE; n];
    for s in 0..n {
        let inherited = sections[s]
            .parent
            .filter(|&p| p < s)
            .map_or(NONE, |p| of[p]);
        if inherited != NONE {
            of[s] = inherited;
            continue;
        }
        let own = match sections[s].kind {
            SectionKind::Action => content[s],
            SectionKind::Enjeu => content[s] && !action_below[s],
            SectionKind::Objectif => sections[s].has_fields && !action_below[s],
            _ => false,
        };
        if own {
            of[s] = s as u32;
        }
    }
    of
}

impl ActionTable {
    pub(crate) fn build(store: &DocStore, catalog: &Catalog) -> ActionTable {
        let mut table = ActionTable::default();
        for doc in 0..store.len() {
            let headings: Vec<_> = (0..store.n_sections(doc))
                .map(|s| store.heading(doc, s))
                .collect();
            let mut facts: Vec<SectionFacts> = (0..headings.len())
                .map(|s| SectionFacts {
                    parent: headings[s].and_then(|(_, parent)| parent),
                    kind: store.section_kind(doc, s).unwrap_or(SectionKind::Heading),
                    has_content: false,
                    has_fields: false,
                })
                .collect();
            // A passage's text is read only while its section's content is in doubt.
            for p in 0..store.n_passages(doc) {
                let Some((Some(s), field)) = store.passage_place(doc, p) else {
                    continue;
                };
                let Some(f) = facts.get_mut(s) else {
                    continue;
                };
                if field {
                    f.has_fields = true;
                    f.has_content = true;
                } else if !f.has_content {
                    if let (Some(passage), Some((heading, _))) =
                        (store.passage(doc, p), headings[s])
                    {
                        f.has_content = !crate::text::same_but_spacing(passage.text, heading);
                    }
                }
            }
            let local = assign(&facts);
            let mut of_section = vec![NONE; local.len()];
            for (s, &action) in local.iter().enumerate() {
                if action as usize == s {
                    table.rows.push(ActionRow {
                        doc: doc as u32,
                        section: s as u32,
                    });
                }
                // An action's own section comes before the sections under it.
                if action != NONE {
                    of_section[s] = if action as usize == s {
                        table.rows.len() as u32 - 1
                    } else {
                        of_section[action as usize]
                    };
                }
            }
            table.of_section.push(of_section);
        }
        table.named = vec![Vec::new(); table.rows.len()];
        table.naming = vec![Vec::new(); catalog.entities().len()];
        for (e, entity) in catalog.entities().iter().enumerate() {
            for mention in &entity.mentions {
                let Some(action) = mention
                    .passage
                    .and_then(|p| store.passage_place(mention.doc as usize, p as usize))
                    .and_then(|(section, _)| section)
                    .and_then(|s| table.action_of(mention.doc as usize, s))
                else {
                    continue;
                };
                let named = &mut table.named[action as usize];
                match named.last_mut() {
                    Some(last) if last.entity == e as u32 => {
                        last.roles |= role_bit(mention.role);
                        last.count += 1;
                    }
                    _ => named.push(Named {
                        entity: e as u32,
                        roles: role_bit(mention.role),
                        count: 1,
                    }),
                }
                if table.naming[e].last() != Some(&action) {
                    table.naming[e].push(action);
                }
            }
        }
        // Mentions come in document order per entity: an action's list may repeat an
        // entity named, then another, then it again; and `naming` must be sorted.
        for named in &mut table.named {
            named.sort_by_key(|n| n.entity);
            named.dedup_by(|b, a| {
                if a.entity == b.entity {
                    a.roles |= b.roles;
                    a.count += b.count;
                    true
                } else {
                    false
                }
            });
        }
        for naming in &mut table.naming {
            naming.sort_unstable();
            naming.dedup();
        }
        table
    }

    /// The action a section of a document belongs to.
    pub(crate) fn action_of(&self, doc: usize, section: usize) -> Option<u32> {
        self.of_section
            .get(doc)?
            .get(section)
            .copied()
            .filter(|&a| a != NONE)
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }
}

impl PartialOrd for ActionRow {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ActionRow {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.doc, self.section).cmp(&(other.doc, other.section))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(list: &[(Option<usize>, SectionKind, bool, bool)]) -> Vec<SectionFacts> {
        list.iter()
            .map(|&(parent, kind, has_content, has_fields)| SectionFacts {
                parent,
                kind,
                has_content,
                has_fields,
            })
            .collect()
    }

    #[test]
    fn fiches_under_axes_and_objectifs_are_the_actions() {
        use SectionKind::*;
        // Axe 1 › Objectif 3 › ACTION : … (fields) ; a summary's bare « Action 5 : … ».
        let outline = facts(&[
            (None, Axe, false, false),
            (Some(0), Objectif, false, false),
            (Some(1), Action, false, false),
            (Some(1), Action, true, true),
            (Some(3), Heading, true, false),
        ]);
        let of = assign(&outline);
        assert_eq!(of, vec![NONE, NONE, NONE, 3, 3]);
    }

    #[test]
    fn an_objective_column_with_fields_is_one_sheet_with_its_items() {
        use SectionKind::*;
        // 1.2.5. Travailler sur la parentalité (ORIENTATIONS…) › 1.2.5.a, 1.2.5.b items.
        let outline = facts(&[
            (None, Orientation, false, false),
            (Some(0), Objectif, true, true),
            (Some(1), Action, false, false),
            (Some(1), Action, false, false),
        ]);
        assert_eq!(assign(&outline), vec![NONE, 1, 1, 1]);
    }

    #[test]
    fn enjeux_with_content_are_actions_unless_actions_lie_under_them() {
        use SectionKind::*;
        let outline = facts(&[
            (None, Enjeu, true, false),
            (None, Enjeu, false, false),
            (Some(1), Action, true, true),
            (None, Enjeu, false, false),
        ]);
        assert_eq!(assign(&outline), vec![0, NONE, 2, NONE]);
    }

    #[test]
    fn roles_round_trip_through_bits() {
        let bits = role_bit(Role::Partner) | role_bit(Role::Pilot);
        assert_eq!(roles_of(bits), vec![Role::Pilot, Role::Partner]);
    }
}
