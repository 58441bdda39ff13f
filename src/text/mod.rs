//! What every stage does to text the same way: one fold, one fast hash map.
//!
//! Why one place: the analyzer, the sigle finder, the label reader and the name keys all
//! compare French words written with and without accents, in capitals, with ligatures
//! (`Œuvre`, `ﬁche`, `Straße`). Folds written apart gave different answers for the same
//! word; here there is one, and the modules that need a finer key (a name key that drops
//! function words) build it on this one.

#[cfg(test)]
mod agreement;
pub mod fold;
pub mod names;
pub mod words;

pub use fold::{fold, fold_into, fold_marks, Folded, Marks};
pub use names::{NameKey, WordList};
pub use words::{words, WordSpan};

/// A hash map on rustc's Fx hash: our keys are short words and numbers of our own data,
/// looked up once per token, and SipHash's resistance to chosen keys costs more than the
/// lookup. Not for anything written to disk: the Fx hash may change between versions.
pub type FastMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;
/// A hash set on the same hash as [`FastMap`].
pub type FastSet<T> = std::collections::HashSet<T, rustc_hash::FxBuildHasher>;
