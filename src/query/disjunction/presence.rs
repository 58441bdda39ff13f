//! Where every word of a conjunction is at once, one bit per passage of a segment.
//!
//! A conjunction of common words (« insertion professionnelle des jeunes ») walks its words
//! side by side: each time the words disagree, each is sought to the furthest. Where the
//! words are common and found together (« insertion » beside « professionnelle »), most
//! passages holding the first two lack the third, and the walk stops at each of them:
//! about fourteen stops a match, each seeking two or three fields of every word. Reading
//! every posting of every word once into one bit per passage and intersecting the bits
//! costs a few instructions a posting; the walk then stops only where all the words are.
//! A rare word's walk is cheap already, and a bit per passage of a large segment is not:
//! the bits are made only where the words are common enough to pay for them.

use tantivy::DocId;

/// A set of doc ids of one segment, one bit each.
#[derive(Debug, Clone)]
pub(super) struct Presence {
    words: Vec<u64>,
    max_doc: DocId,
}

impl Presence {
    /// No doc id of a segment of `max_doc` doc ids.
    pub(super) fn empty(max_doc: DocId) -> Presence {
        Presence {
            words: vec![0; (max_doc as usize).div_ceil(64)],
            max_doc,
        }
    }

    /// Empties the set (its size kept).
    pub(super) fn clear(&mut self) {
        self.words.fill(0);
    }

    #[inline]
    pub(super) fn insert(&mut self, doc: DocId) {
        if let Some(word) = self.words.get_mut(doc as usize / 64) {
            *word |= 1 << (doc % 64);
        }
    }

    /// Puts in every doc id from `start` up to `end` (not included).
    pub(super) fn insert_range(&mut self, start: DocId, end: DocId) {
        let end = end.min(self.max_doc) as usize;
        let mut doc = start as usize;
        while doc < end {
            let bit = doc % 64;
            let span = (64 - bit).min(end - doc);
            let mask = if span == 64 {
                u64::MAX
            } else {
                ((1u64 << span) - 1) << bit
            };
            self.words[doc / 64] |= mask;
            doc += span;
        }
    }

    /// Keeps only the doc ids also in `other`.
    pub(super) fn intersect(&mut self, other: &Presence) {
        for (word, other) in self.words.iter_mut().zip(&other.words) {
            *word &= other;
        }
    }

    /// The first doc id of the set at or past `doc`; `TERMINATED` when none.
    #[inline]
    pub(super) fn next_from(&self, doc: DocId) -> DocId {
        let mut index = doc as usize / 64;
        let Some(&first) = self.words.get(index) else {
            return tantivy::TERMINATED;
        };
        let mut word = first & (u64::MAX << (doc % 64));
        loop {
            if word != 0 {
                return (index * 64) as DocId + word.trailing_zeros();
            }
            index += 1;
            match self.words.get(index) {
                Some(&next) => word = next,
                None => return tantivy::TERMINATED,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::TERMINATED;

    fn docs(set: &Presence) -> Vec<DocId> {
        let mut found = Vec::new();
        let mut doc = set.next_from(0);
        while doc != TERMINATED {
            found.push(doc);
            doc = set.next_from(doc + 1);
        }
        found
    }

    #[test]
    fn the_passages_of_a_heading_and_of_a_text_intersect() {
        // « jeunes » heads the passages 60 to 139 and is said in the text of 200;
        // « insertion » is said in 63, 64, 130 and 200.
        let mut jeunes = Presence::empty(300);
        jeunes.insert_range(60, 140);
        jeunes.insert(200);
        let mut insertion = Presence::empty(300);
        for doc in [63, 64, 130, 200] {
            insertion.insert(doc);
        }
        jeunes.intersect(&insertion);
        assert_eq!(docs(&jeunes), vec![63, 64, 130, 200]);
        assert_eq!(jeunes.next_from(131), 200);
        assert_eq!(jeunes.next_from(201), TERMINATED);
    }

    #[test]
    fn ranges_fill_whole_words_and_their_edges() {
        let mut set = Presence::empty(200);
        set.insert_range(3, 131);
        assert_eq!(docs(&set), (3..131).collect::<Vec<_>>());
        set.clear();
        // An empty range puts nothing in; a range past the segment stops at its end.
        set.insert_range(10, 10);
        set.insert_range(190, 400);
        assert_eq!(docs(&set), (190..200).collect::<Vec<_>>());
        // From the last doc id, and past it.
        assert_eq!(set.next_from(199), 199);
        assert_eq!(set.next_from(200), TERMINATED);
        assert_eq!(set.next_from(TERMINATED), TERMINATED);
    }
}
